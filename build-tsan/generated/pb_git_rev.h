#define PB_GIT_REV "1c9efd48cd11-dirty"
