file(REMOVE_RECURSE
  "CMakeFiles/pb_git_rev"
  "generated/pb_git_rev.h"
)

# Per-language clean rules from dependency scanning.
foreach(lang )
  include(CMakeFiles/pb_git_rev.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
