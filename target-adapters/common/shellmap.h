/* Shell lines for targets that run no shell (reference, lwip): the sysctl settings a
 * script's shell line asks for, mapped onto the stack's configuration.
 *
 * Understood, in commands separated by newlines, `;` and `&&`:
 *   sysctl [-q] [-w] [-e] NAME=VALUE ...    (NAME dotted or with slashes; VALUE may be
 *                                            quoted and may hold $((integer arithmetic)))
 *   echo VALUE > /proc/sys/net/...          (the same setting, as a file write)
 *   cd ..., true, :, set -e/-x/-u, comments (no effect on an in-process stack)
 *   ip tcp_metrics flush [all]              (no effect before the first socket: a new
 *                                            stack has no metrics cache yet)
 *   PATH [ARGS]                             (an executable set-up file such as
 *                                            ../common/defaults.sh, relative to the
 *                                            script: its lines are mapped the same way,
 *                                            4 files deep at most)
 * Anything else makes the script unsupported (TARGET_UNSUPPORTED) with the line, and
 * with FILE:LINE when it comes from a set-up file.  Nothing is ever run. */
#ifndef TARGET_SHELLMAP_H
#define TARGET_SHELLMAP_H

#include <stdbool.h>

#include "target-adapters/target.h"

struct target_shellmap {
	const char *target_name;    /* "reference", "lwip": for messages */
	const char *script_path;    /* set-up files are found relative to its directory */
	bool fresh;                 /* no socket made yet */
	/* Take one setting: 0 done, -1 the target has no such setting, -2 it cannot take
	 * this value; fixed_why (may be NULL) says why a value is impossible. */
	int (*apply)(void *ctx, const char *name, const char *value);
	void *ctx;
	const char *fixed_why;
	/* how the target is asked, for messages ("the plugin's setting() hook"; NULL:
	 * "the target"); when set, fixed_why is the target's own sentence for its latest
	 * answer and is quoted with a refusal of a name too */
	const char *asker;
};

/* Map the shell line cmd; TARGET_OK when every command in it was understood, with
 * *exit_status what /bin/sh would exit with: 0, or 127 / 126 when a set-up file it
 * names is missing / not executable (mapping stops there, as `set -e` would). */
int target_shellmap_run(struct target *t, const struct target_shellmap *m, const char *cmd,
			int *exit_status);

#endif
