/*
 * compare-cmd.h - `xenlevel compare` (see xenlevel(8)).
 */
#ifndef XENLEVEL_COMPARE_CMD_H
#define XENLEVEL_COMPARE_CMD_H

#include "config.h"

/* argv[0] is "compare"; options after it.  Returns an XL_EXIT_* code. */
int xl_cmd_compare(const struct xl_config *cfg, int argc, char **argv);

#endif /* XENLEVEL_COMPARE_CMD_H */
