// The thin C++ shim between the C harness and Google Benchmark 1.7.
//
// One gbench family per component/impl/scenario, one Arg per N, so case
// names come out as component/impl/scenario/N. Each gbench run of a case
// calls into C: pb_run_begin (set-up, or the fixture kept from the case's
// previous run), one pb_run_batch per KeepRunningBatch(b) turn (the
// per-operation loop is C; gbench sees one call per batch), then
// pb_run_collect, pb_run_sample for latency scenarios, and pb_run_end. The
// timed runs are untracked (pb_alloc_track(0)); allocations, bytes and peak
// heap come from one counting pass per case (pb_run_count), run when the
// case's rows are reported, and are added to them.
// Time is manual: the C side times only
// the measured region of each batch. gbench marks manual-time runs with a
// "/manual_time" name suffix; every run here is manual-time, so both
// reporters clear it and names stay component/impl/scenario/N. The console
// reporter also counts the runs that reported an error. The rows reach the
// results model only through the JSON file (pb_gb_options.json_path), which
// `run` reads once: the engine knows nothing of the model.
#include <cerrno>
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "engine.h"

namespace {

std::vector<std::unique_ptr<pb_case>> families;
std::string last_case;
// Per case: the iterations of its last timed run (every repetition runs
// the same count), and its counting pass once done.
struct counted {
    bool ok;
    double allocs_per_op, bytes_per_op, peak_heap_bytes;
};
std::map<std::string, int64_t> case_iterations;
// Cases refused (set-up failed, the fixture left its steady state), with
// why: the reporters turn their rows into error rows. Not SkipWithError:
// gbench 1.7 dereferences an empty list when every run of a complexity
// family was skipped (Runs.front() in RunSpecifiedBenchmarks), so a run
// refused here still completes, with one batch of 1 s (enough for the
// minimum time, and never a figure: the row becomes an error).
std::map<std::string, std::string> refused;

void refuse(benchmark::State &st, const char *name, const char *why, int64_t batch,
            bool loop)
{
    refused.emplace(name, why);
    pb_run_release();
    if (loop)
        while (st.KeepRunningBatch(batch))
            st.SetIterationTime(1.0);
    st.SetComplexityN(st.range(0));
}
std::map<std::string, counted> case_counts;
bool json_requested;
int json_errno;             // why the JSON file could not be written, or 0
size_t error_count;

// The probes' figures, per op (engine.h, harness.h PB_PROBE_*): always
// the syscall total and process CPU time; with a probe group, every kind,
// /proc/self/io and getrusage; SQL figures for watched connections.
void add_probes(benchmark::State &st, unsigned want, const pb_run_result &r)
{
    using benchmark::Counter;
    auto per_op = [&](const std::string &name, double v) {
        st.counters[name + "_per_op"] = Counter(v, Counter::kAvgIterations);
    };
    if (r.sys_ok) {
        per_op("syscalls", double(r.sys[PB_SYS_TOTAL]));
        if (want)
            for (int k = 1; k < PB_SYS_KINDS; k++)
                if (r.sys_kind_ok[k])
                    per_op(pb_sys_kind_name(k), double(r.sys[k]));
    }
    if (r.sys_ok || r.cpu_ns)
        per_op("cpu_ns", double(r.cpu_ns));
    static const char *const io[PB_IO_FIELDS] = {
        "io_syscr", "io_syscw", "io_rchar", "io_wchar", "io_write_bytes" };
    if (r.io_ok)
        for (int i = 0; i < PB_IO_FIELDS; i++)
            per_op(io[i], double(r.io[i]));
    static const char *const ru[PB_RU_FIELDS] = {
        "ru_inblock", "ru_oublock", "ru_nvcsw", "ru_nivcsw" };
    if (r.ru_ok)
        for (int i = 0; i < PB_RU_FIELDS; i++)
            per_op(ru[i], double(r.ru[i]));
    if (r.sql_ok)
        for (int i = 0; i < PB_SQL_FIELDS; i++)
            per_op(pb_sql_field_names[i], r.sql[i]);
}

// A probe counter the console leaves out when it is 0 for the row (the
// JSON file keeps every one): a file scenario has ~30 probe columns, most
// of them 0.
bool quiet_probe(const std::string &name, double v)
{
    if (v != 0)
        return false;
    static const char *const prefixes[] = { "sys_", "io_", "ru_", "sql_" };
    for (const char *p : prefixes)
        if (name.rfind(p, 0) == 0)
            return true;
    return false;
}

void run_case(benchmark::State &st, const pb_case *family)
{
    pb_case c = *family;
    c.n = st.range(0);
    pb_case_name(c.name, sizeof c.name, c.component, c.impl, c.scenario, c.n);
    if (last_case != c.name) {          // gbench calls us several times a case
        last_case = c.name;
        pb_progress(&c);
    }

    // Timed untracked: allocations are counted in a separate pass
    // (count_case) so the timed runs do not pay the tracker's cost.
    pb_alloc_track(0);
    const int64_t batch = c.scenario->batch(c.n);
    const char *err = "set-up failed";
    pb_ctx *ctx = pb_run_begin(&c, &err);
    if (!ctx) {
        refuse(st, c.name, err, batch, true);
        return;
    }
    // A run must start and end in the fixture's declared steady state.
    if (const char *why = pb_run_steady(ctx, "at the start of the run")) {
        pb_run_end(ctx);
        refuse(st, c.name, why, batch, true);
        return;
    }
    while (st.KeepRunningBatch(batch))
        st.SetIterationTime(pb_run_batch(ctx, batch));
    pb_run_result r;
    pb_run_collect(ctx, &r);
    pb_latency lat;
    int sampled = c.scenario->latency &&
                  pb_run_sample(ctx, std::min<int64_t>(st.iterations(), 10000), &lat) == 0;
    st.SetComplexityN(c.n);            // every completed run, refused or not
    const char *drift = pb_run_steady(ctx, "at the end of the run");
    pb_run_end(ctx);
    if (drift) {
        refuse(st, c.name, drift, batch, false);
        return;
    }
    case_iterations[c.name] = st.iterations();

    using benchmark::Counter;
    if (r.peak_rss_bytes >= 0)
        st.counters["peak_rss_bytes"] =
            Counter(double(r.peak_rss_bytes), Counter::kDefaults, Counter::kIs1024);
    if (r.rss_growth_bytes >= 0)
        st.counters["rss_growth_bytes"] =
            Counter(double(r.rss_growth_bytes), Counter::kDefaults, Counter::kIs1024);
    if (sampled) {
        st.counters["p50_ns"] = lat.p50_ns;
        st.counters["p90_ns"] = lat.p90_ns;
        st.counters["p99_ns"] = lat.p99_ns;
        st.counters["p999_ns"] = lat.p999_ns;
        st.counters["max_ns"] = lat.max_ns;
        st.counters["latency_samples"] = double(lat.samples);
    }
    if (c.scenario->counters)
        for (int k = 0; k < PB_MAX_COUNTERS && c.scenario->counters[k]; k++)
            st.counters[std::string(c.scenario->counters[k]) + "_per_op"] =
                Counter(r.counters[k], Counter::kAvgIterations);
    add_probes(st, c.scenario->probes, r);
}

using Runs = std::vector<benchmark::BenchmarkReporter::Run>;

// The counting pass of one case (pb_run_count), run once, when its rows are
// first reported: as many operations as one timed repetition, on a fresh
// fixture from the same seed, with the tracker tracking.
const counted &count_case(const std::string &name)
{
    auto hit = case_counts.find(name);
    if (hit != case_counts.end())
        return hit->second;
    counted k{false, 0, 0, 0};
    auto it = case_iterations.find(name);
    const pb_case *family = nullptr;
    int64_t n = 0;
    size_t slash = name.rfind('/');
    if (slash != std::string::npos) {
        std::string fam = name.substr(0, slash);
        n = std::atoll(name.c_str() + slash + 1);
        for (auto &f : families)
            if (fam == std::string(f->component->name) + "/" + f->impl->name + "/" +
                           f->scenario->name)
                family = f.get();
    }
    if (family && it != case_iterations.end() && it->second > 0 &&
        pb_alloc_tracking_available()) {
        pb_case c = *family;
        c.n = n;
        pb_case_name(c.name, sizeof c.name, c.component, c.impl, c.scenario, c.n);
        pb_run_result r;
        const char *err = "set-up failed";
        if (pb_run_count(&c, it->second, &r, &err) == 0 && r.ops > 0) {
            k.ok = true;
            k.allocs_per_op = r.allocs / double(r.ops);
            k.bytes_per_op = r.bytes / double(r.ops);
            k.peak_heap_bytes = double(r.peak_heap_bytes);
        } else {
            std::fprintf(stderr, "pairbench: counting pass of %s: %s\n", name.c_str(), err);
        }
    }
    return case_counts.emplace(name, k).first->second;
}

// The rows of refused cases become error rows and the complexity fit of a
// family with a refused case goes. Their aggregates go too, except that
// `one_row` (the console, which is shown only the aggregates when there
// are repetitions) keeps the first as the case's one error row.
void apply_refusals(Runs &runs, bool one_row)
{
    if (refused.empty())
        return;
    std::vector<std::string> families_hit;
    for (auto &r : refused)
        families_hit.push_back(r.first.substr(0, r.first.rfind('/')));
    Runs out;
    for (auto &run : runs) {
        bool agg = run.run_type == benchmark::BenchmarkReporter::Run::RT_Aggregate;
        auto it = refused.find(run.run_name.function_name + "/" + run.run_name.args);
        bool fit = agg && (run.aggregate_name == "BigO" || run.aggregate_name == "RMS");
        if (fit && std::find(families_hit.begin(), families_hit.end(),
                             run.run_name.function_name) != families_hit.end())
            continue;
        if (it != refused.end()) {
            if (agg && !(one_row && run.aggregate_name == runs.front().aggregate_name &&
                         &run == &runs.front()))
                continue;
            if (agg) {
                run.run_type = benchmark::BenchmarkReporter::Run::RT_Iteration;
                run.aggregate_name.clear();
            }
            run.error_occurred = true;
            run.error_message = it->second;
            run.counters.clear();
        }
        out.push_back(run);
    }
    runs.swap(out);
}

// Adds the counting pass's figures to a case's rows: each repetition and
// the mean and median carry them; stddev and cv are 0 (one pass).
void add_counts(Runs &runs)
{
    using benchmark::Counter;
    for (auto &run : runs) {
        if (run.error_occurred)
            continue;
        bool agg = run.run_type == benchmark::BenchmarkReporter::Run::RT_Aggregate;
        bool spread = agg && (run.aggregate_name == "stddev" || run.aggregate_name == "cv");
        if (agg && !spread && run.aggregate_name != "mean" && run.aggregate_name != "median")
            continue;                   // BigO, RMS
        const counted &k = count_case(run.run_name.function_name + "/" + run.run_name.args);
        if (!k.ok)
            continue;
        run.counters["allocs_per_op"] = Counter(spread ? 0 : k.allocs_per_op);
        run.counters["bytes_per_op"] = Counter(spread ? 0 : k.bytes_per_op);
        run.counters["peak_heap_bytes"] =
            Counter(spread ? 0 : k.peak_heap_bytes, Counter::kDefaults, Counter::kIs1024);
    }
}

Runs plain_names(const Runs &runs)
{
    Runs out(runs);
    for (auto &run : out) {
        run.run_name.time_type.clear();
        run.run_name.iterations.clear();    // "iterations:N": every case is sized
        run.run_name.repetitions.clear();   // "repeats:K" of a slow case
    }
    return out;
}

// gbench's JSON gives a fit's RMS of the CPU time only ("rms"); every run
// here is manual-time, so the RMS that matters is the real-time fit's. It
// is added to the RMS row as "real_rms", which the results reader prefers.
class JSONFileReporter : public benchmark::JSONReporter {
  public:
    void ReportRuns(const Runs &in) override
    {
        Runs runs = plain_names(in);
        apply_refusals(runs, false);
        add_counts(runs);
        for (auto &run : runs)
            if (run.report_rms)
                run.counters["real_rms"] = benchmark::Counter(run.GetAdjustedRealTime());
        JSONReporter::ReportRuns(runs);
    }
    // The file is gbench's ofstream, closed (and its errors dropped) after
    // this: flush it here so a full disk or an I/O error is seen.
    void Finalize() override
    {
        JSONReporter::Finalize();
        errno = 0;
        if (!GetOutputStream().flush())
            json_errno = errno ? errno : EIO;
    }
};

class CountingReporter : public benchmark::ConsoleReporter {
  public:
    explicit CountingReporter(OutputOptions o) : ConsoleReporter(o) {}

    void ReportRuns(const Runs &in) override
    {
        Runs runs = plain_names(in);
        apply_refusals(runs, true);
        add_counts(runs);
        for (Run &run : runs) {
            error_count += run.error_occurred;
            for (auto it = run.counters.begin(); it != run.counters.end();)
                if (quiet_probe(it->first, it->second.value))
                    it = run.counters.erase(it);
                else
                    ++it;
        }
        ConsoleReporter::ReportRuns(runs);
    }
};

}  // namespace

extern "C" int pb_gb_init(const char *argv0, const pb_gb_options *o)
{
    static std::vector<std::string> args;
    args.clear();
    args.push_back(argv0);
    if (o->min_time_s > 0)
        args.push_back("--benchmark_min_time=" + std::to_string(o->min_time_s));
    args.push_back("--benchmark_repetitions=" + std::to_string(o->repetitions));
    if (o->repetitions > 1)
        args.push_back("--benchmark_display_aggregates_only=true");
    json_requested = o->json_path != nullptr;
    if (o->json_path) {
        args.push_back(std::string("--benchmark_out=") + o->json_path);
        args.push_back("--benchmark_out_format=json");
    }
    for (int i = 0; i < o->extra_argc; i++)
        args.push_back(o->extra_argv[i]);

    static std::vector<char *> argv;
    argv.clear();
    for (auto &a : args)
        argv.push_back(&a[0]);
    argv.push_back(nullptr);
    int argc = int(args.size());
    benchmark::Initialize(&argc, argv.data());
    if (argc > 1) {
        std::fprintf(stderr, "pairbench: Google Benchmark does not know '%s'\n",
                     argv[1]);
        return -1;
    }
    return 0;
}

extern "C" void pb_gb_add_context(const char *key, const char *value)
{
    benchmark::AddCustomContext(key, value);
}

extern "C" void pb_gb_register(const pb_case *family, const int64_t *sizes,
                               const int64_t *iterations, const int *repetitions,
                               size_t n_sizes)
{
    families.push_back(std::make_unique<pb_case>(*family));
    const pb_case *f = families.back().get();
    std::string name = std::string(f->component->name) + "/" + f->impl->name +
                       "/" + f->scenario->name;
    if (iterations && f->scenario->max_ops <= 0) {
        // Sized by `run`: one benchmark per case (gbench sets iterations
        // per benchmark, not per argument), each run exactly that long.
        for (size_t i = 0; i < n_sizes; i++) {
            auto *b = benchmark::RegisterBenchmark(name.c_str(), run_case, f);
            b->Arg(sizes[i]);
            b->UseManualTime();
            b->Iterations(iterations[i]);
            if (repetitions && repetitions[i] > 0)
                b->Repetitions(repetitions[i]);
        }
        return;
    }
    auto *b = benchmark::RegisterBenchmark(name.c_str(), run_case, f);
    for (size_t i = 0; i < n_sizes; i++)
        b->Arg(sizes[i]);
    b->UseManualTime();
    if (f->scenario->max_ops > 0)      // sized by count, not measured time
        b->Iterations(f->scenario->max_ops);
    if (n_sizes >= 2)           // a fit needs two points: BigO and RMS rows
        b->Complexity(benchmark::oAuto);
}

extern "C" size_t pb_gb_run(void)
{
    CountingReporter display(benchmark::ConsoleReporter::OO_Tabular);
    JSONFileReporter file;
    error_count = 0;
    json_errno = 0;
    last_case.clear();
    case_iterations.clear();
    case_counts.clear();
    refused.clear();
    if (json_requested)
        benchmark::RunSpecifiedBenchmarks(&display, &file);
    else
        benchmark::RunSpecifiedBenchmarks(&display);
    pb_run_release();
    pb_alloc_track(1);
    benchmark::Shutdown();
    return error_count;
}

extern "C" int pb_gb_json_error(void)
{
    return json_errno;
}
