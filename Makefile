# Makefile for pg_global_tables (PGXS)

EXTENSION = pg_global_tables
EXTVERSION = 0.1.0

MODULE_big = pg_global_tables
OBJS = $(patsubst %.c,%.o,$(wildcard src/*.c src/*/*.c))
DATA = $(wildcard src/sql/pg_global_tables--*.sql)
PG_CPPFLAGS = -I$(libpq_srcdir) -I$(srcdir)/src/include
SHLIB_LINK_INTERNAL = $(libpq)
PG_CFLAGS = -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers -Wno-sign-compare

REGRESS = init items item_write validation tables conflicts hijack
REGRESS_OPTS = --temp-config=$(srcdir)/test/pg_global_tables.conf \
	--temp-instance=./tmp_check_regress --load-extension=pg_global_tables
ISOLATION = lww_commit_order item_write_snapshot
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

# pgTAP contract tests run under pg_prove against a temporary instance.
.PHONY: pgtap
pgtap:
	$(srcdir)/test/pgtap/run.sh

# TAP tests alone (installcheck runs pg_regress first, then these).
.PHONY: tapcheck
tapcheck:
	$(prove_installcheck)
