/* ruleset.c - the rules one engine runs (see ruleset.h). */
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "log.h"
#include "ruleset.h"

static void keys_of(struct rl_set *s, const struct kme_config *r)
{
	size_t j, k;

	for (j = 0; j < r->nwatches; j++) {
		for (k = 0; k < s->nkeys; k++)
			if (strcmp(s->keys[k], r->watches[j].key) == 0)
				break;
		if (k == s->nkeys && s->nkeys < RL_MAX_KEYS)
			s->keys[s->nkeys++] = r->watches[j].key;
	}
}

/* The rule of old with r's name (NULL: the first rule), or NULL. */
static struct rl_rule *same_rule(struct rl_set *old,
				 const struct kme_config *r)
{
	size_t i;

	for (i = 0; i < old->n; i++) {
		const char *a = old->r[i].cfg->label, *b = r->label;

		if (a == b || (a != NULL && b != NULL && strcmp(a, b) == 0))
			return &old->r[i];
	}
	return NULL;
}

void rl_init(struct rl_set *s, const struct kme_config *cfg)
{
	struct rl_set old = *s;
	const struct kme_config *r;
	struct rl_rule *was;
	size_t i;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < CFG_MAX_RULES && (r = cfg_rule(cfg, i)) != NULL; i++) {
		struct rl_rule *x = &s->r[s->n++];

		x->cfg = r;
		lim_init(&x->lim, r->max_alerts, r->alert_interval);
		/* A rule of the same name keeps the history it was given
		 * until it is given another (a memory one is made anew: it
		 * was made for the old rule's fields and window). */
		if ((was = same_rule(&old, r)) != NULL && was->store != was->own)
			rl_set_store(s, i, was->store, was->rate);
		x->said_full = was != NULL && was->said_full;
		if (r->rule_type == CFG_RULE_FILE_OPEN) {
			s->nfile++;
			keys_of(s, r);
		}
		s->proof |= r->trusted_exclusions;
	}
	rl_free(&old);
}

void rl_set_store(struct rl_set *s, size_t i, struct nt_store *store,
		  const struct lim_shared *rate)
{
	if (i >= s->n)
		return;
	s->r[i].store = store;
	s->r[i].rate = rate;
	lim_share(&s->r[i].lim, rate);
}

struct nt_store *rl_store(struct rl_rule *r, struct kme_err *err)
{
	if (r->store != NULL)
		return r->store;
	if (r->own == NULL && (r->own = nt_store_memory_open(r->cfg, err)) == NULL)
		return NULL;
	return r->store = r->own;
}

void rl_free(struct rl_set *s)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		if (s->r[i].store == s->r[i].own)
			s->r[i].store = NULL;
		nt_destroy(s->r[i].own);
		s->r[i].own = NULL;
	}
}

void rl_stats(const struct rl_set *s, struct nt_stats *sum)
{
	struct nt_stats st;
	size_t i;

	memset(sum, 0, sizeof(*sum));
	for (i = 0; i < s->n; i++) {
		if (s->r[i].store == NULL)
			continue;
		nt_stats(s->r[i].store, &st);
		sum->terms += st.terms;
		sum->evicted += st.evicted;
		sum->expired += st.expired;
		sum->saves += st.saves;
		sum->save_errors += st.save_errors;
		sum->shared |= st.shared;
		sum->fallbacks += st.fallbacks;
		sum->errors += st.errors;
		sum->pushed += st.pushed;
		sum->dropped += st.dropped;
	}
}

const char *rl_prefix(const struct rl_rule *r, char *buf, size_t size)
{
	if (r->cfg->label == NULL)
		snprintf(buf, size, "%s", "");
	else
		snprintf(buf, size, "rule %s: ", r->cfg->label);
	return buf;
}

void rl_note_full(struct rl_rule *r)
{
	struct nt_stats st;
	char pre[CFG_MAX_LABEL + 16];

	if (r->said_full || r->store == NULL)
		return;
	nt_stats(r->store, &st);
	if (st.evicted == 0)
		return;
	r->said_full = true;
	log_warnx("%snew-terms history full (max_terms=%zu): the least "
		  "recently seen terms are evicted, and alert again when next "
		  "seen (counted in term_evictions; said once)",
		  rl_prefix(r, pre, sizeof(pre)), r->cfg->max_terms);
}

void rl_report_limits(struct rl_set *s, bool at_exit)
{
	int64_t start;
	uint64_t count;
	char when[CLK_RFC3339_SIZE], pre[CFG_MAX_LABEL + 16];
	size_t i;

	for (i = 0; i < s->n; i++) {
		struct rl_rule *r = &s->r[i];

		while (lim_take_report(&r->lim, at_exit, &start, &count)) {
			clk_rfc3339_ms(start, when);
			log_warnx("%srate limit: %llu alert(s) not sent in the "
				  "interval starting %s (max_alerts %u per "
				  "%llds)", rl_prefix(r, pre, sizeof(pre)),
				  (unsigned long long)count, when,
				  r->cfg->max_alerts,
				  (long long)(r->cfg->alert_interval / 1000));
		}
	}
}
