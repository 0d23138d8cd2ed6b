/* The component registry generated from PB_COMPONENT_LIST. */
#include <stddef.h>

#include "scenarios.h"

#define PB_COMPONENT_ENTRY(name) &pb_component_##name,
const pb_component *const pb_all_components[] = {
    PB_COMPONENT_LIST(PB_COMPONENT_ENTRY)
    NULL
};
