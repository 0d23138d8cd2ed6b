#define PB_GIT_REV "374da096edba-dirty"
