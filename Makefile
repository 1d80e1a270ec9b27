# Makefile for pg_global_tables (PGXS)

EXTENSION = pg_global_tables
# The version lives here only: the control file and the install script are
# generated from it.
EXTVERSION = 0.1.0

MODULE_big = pg_global_tables
OBJS = $(patsubst %.c,%.o,$(wildcard src/*.c src/*/*.c))
PG_CPPFLAGS = -I$(libpq_srcdir) -I$(srcdir)/src/include
SHLIB_LINK_INTERNAL = $(libpq)
PG_CFLAGS = -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers -Wno-sign-compare

# The install script is the topic files of src/sql/ in this order.
SQL_TOPICS = catalogs support regions steps tables items replication ddl privileges
SQL_SOURCES = $(addprefix $(srcdir)/src/sql/, $(addsuffix .sql, $(SQL_TOPICS)))
DATA_built = $(EXTENSION)--$(EXTVERSION).sql
# Upgrade scripts, and the install scripts of released versions they start
# from (src/sql/released/), so that every supported upgrade path installs.
DATA = $(wildcard $(srcdir)/src/sql/$(EXTENSION)--*--*.sql) \
	$(wildcard $(srcdir)/src/sql/released/$(EXTENSION)--*.sql)
EXTRA_CLEAN = $(EXTENSION).control

REGRESS = init items item_write validation tables conflicts conflict_report hijack hostile_privileges hostile_connect ddl_guard
REGRESS_OPTS = --temp-config=$(srcdir)/test/pg_global_tables.conf \
	--temp-instance=./tmp_check_regress --load-extension=pg_global_tables
ISOLATION = lww_commit_order item_write_snapshot plain_sql_deletes
ISOLATION_OPTS = --inputdir=$(srcdir)/test \
	--temp-config=$(srcdir)/test/pg_global_tables.conf \
	--temp-instance=./tmp_check_iso
TAP_TESTS = 1
PROVE_TESTS ?= test/t/*.pl

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# After the include: Makefile.global resets PROVE_FLAGS.
PROVE_FLAGS += -I $(srcdir)/test/perl

$(EXTENSION)--$(EXTVERSION).sql: $(SQL_SOURCES) Makefile
	{ printf '/* %s, generated from src/sql/{%s}.sql */\n\n' '$@' '$(subst $() ,$(comma),$(SQL_TOPICS))'; \
	  printf '%s\n' '-- complain if script is sourced in psql, rather than via CREATE EXTENSION' \
	    '\echo Use "CREATE EXTENSION $(EXTENSION)" to load this file. \quit'; \
	  for f in $(SQL_SOURCES); do echo; cat $$f; done; } > $@

$(EXTENSION).control: $(srcdir)/$(EXTENSION).control.in Makefile
	sed 's/@EXTVERSION@/$(EXTVERSION)/' $< > $@

comma := ,

# Without the server's autodepend, rebuild every object when a header of ours
# changes: a stale object that reads a shared struct with its old layout is a
# memory corruption, not a compile error.
ifneq ($(autodepend), yes)
$(OBJS): $(wildcard $(srcdir)/src/include/gt/*.h)
endif

# pgTAP contract tests run under pg_prove against a temporary instance.
.PHONY: pgtap
pgtap:
	$(srcdir)/test/pgtap/run.sh

# TAP tests alone (installcheck runs pg_regress first, then these).
.PHONY: tapcheck
tapcheck:
	$(prove_installcheck)
