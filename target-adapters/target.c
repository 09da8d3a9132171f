/* The target registry (target.h); the helpers for the shared types are in
 * sdk/abi.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "target-adapters/target.h"

/* ---- registry ---------------------------------------------------------------------- */

#ifdef TARGET_HAVE_reference
extern const struct target_ops target_reference_ops;
#endif
#ifdef TARGET_HAVE_linux
extern const struct target_ops target_linux_ops;
#endif
#ifdef TARGET_HAVE_lwip
extern const struct target_ops target_lwip_ops;
#endif
#ifdef TARGET_HAVE_plugin
extern const struct target_ops target_plugin_ops;
#endif

static const struct target_ops *const builtin[] = {
#ifdef TARGET_HAVE_reference
	&target_reference_ops,
#endif
#ifdef TARGET_HAVE_linux
	&target_linux_ops,
#endif
#ifdef TARGET_HAVE_lwip
	&target_lwip_ops,
#endif
#ifdef TARGET_HAVE_plugin
	&target_plugin_ops,
#endif
	NULL
};

static const char *const known[] = { "reference", "linux", "lwip", "plugin", NULL };

const char *const *target_names(void)
{
	static const char *names[sizeof builtin / sizeof builtin[0]];
	for (size_t i = 0; builtin[i]; i++)
		names[i] = builtin[i]->name;
	return names;
}

/* One copy of an adapter's ops per "NAME:ARG" spec, carrying ARG (plugin:PATH.so) and
 * the name and version the adapter describes it by.  Kept for the life of the
 * process: ops pointers outlive every run made with them. */
struct spec_ops {
	struct spec_ops *next;
	const struct target_ops *base;
	struct target_ops ops;
	char name[64], version[64];
	char arg[];
};
static struct spec_ops *spec_ops_list;

static const struct target_ops *ops_with_arg(const struct target_ops *base, const char *arg,
					     struct target_diag *d)
{
	for (struct spec_ops *s = spec_ops_list; s; s = s->next)
		if (s->base == base && !strcmp(s->arg, arg))
			return &s->ops;
	size_t n = strlen(arg);
	struct spec_ops *s = malloc(sizeof *s + n + 1);
	if (!s) {
		target_diagf(d, TARGET_UNAVAILABLE, "out of memory");
		return NULL;
	}
	s->base = base;
	s->ops = *base;
	memcpy(s->arg, arg, n + 1);
	s->ops.arg = s->arg;
	if (base->describe && base->describe(arg, s->name, sizeof s->name, s->version,
					     sizeof s->version) == 0) {
		s->ops.name = s->name;
		s->ops.version = s->version[0] ? s->version : NULL;
	}
	s->next = spec_ops_list;
	spec_ops_list = s;
	return &s->ops;
}

const struct target_ops *target_lookup(const char *spec, struct target_diag *d)
{
	size_t n = strcspn(spec, ":");
	for (size_t i = 0; builtin[i]; i++)
		if (strlen(builtin[i]->name) == n && !strncmp(builtin[i]->name, spec, n))
			return spec[n] == ':' ? ops_with_arg(builtin[i], spec + n + 1, d)
					      : builtin[i];
	for (size_t i = 0; known[i]; i++)
		if (strlen(known[i]) == n && !strncmp(known[i], spec, n)) {
			target_diagf(d, TARGET_UNAVAILABLE,
				     "target '%s' is not available in this build "
				     "(its adapter is not written yet)", known[i]);
			return NULL;
		}
	target_diagf(d, TARGET_UNAVAILABLE,
		     "unknown target '%s' (known: reference, linux, lwip, plugin:PATH.so)",
		     spec);
	return NULL;
}

int target_reset(struct target *t, struct target_diag *d)
{
	const struct target_ops *ops = t->ops;
	const struct target_config *cfg = t->cfg;

	if (ops && ops->reset) {
		memset(&t->diag, 0, sizeof t->diag);
		int rc = ops->reset(t);
		if (rc == TARGET_OK)
			return rc;
		if (d)
			*d = t->diag;
		target_close(t);
		return rc;
	}
	target_close(t);
	return target_open(t, ops, cfg, d);
}

int target_open(struct target *t, const struct target_ops *ops,
		const struct target_config *cfg, struct target_diag *d)
{
	memset(t, 0, sizeof *t);
	t->ops = ops;
	t->cfg = cfg;
	int rc = ops->open(t, cfg);
	if (rc != TARGET_OK) {
		if (!t->diag.msg[0])
			target_diagf(&t->diag, rc, "%s", target_status_text(rc));
		t->diag.status = rc;
		if (d)
			*d = t->diag;
		t->ops = NULL;
	}
	return rc;
}
