/*-------------------------------------------------------------------------
 *
 * memcheck.h
 *		Valgrind's memcheck client requests, answered by AddressSanitizer.
 *
 * Why this file exists: palloc hands out pieces of large malloc'd blocks,
 * so AddressSanitizer alone cannot see a read or write past the end of a
 * palloc'd chunk, nor a use of a pfree'd one, unless the chunk happens to
 * end its block.  PostgreSQL already marks every chunk boundary for
 * Valgrind when built with USE_VALGRIND (src/include/utils/memdebug.h,
 * aset.c, mcxt.c).  fuzz/run builds PostgreSQL with -DUSE_VALGRIND and
 * this directory first on the include path, so those marks become
 * AddressSanitizer poisoning instead: chunk padding, chunk headers, free
 * space of blocks and pfree'd chunks (CLOBBER_FREED_MEMORY, on with
 * --enable-cassert) are unaddressable, and the fuzzers catch overruns
 * inside memory contexts too.  Valgrind's "defined/undefined" distinction
 * has no AddressSanitizer equivalent; both mean addressable here.
 *
 * Copyright (c) 2026, pg_global_tables authors
 *
 * IDENTIFICATION
 *		fuzz/asan-valgrind/valgrind/memcheck.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef GT_FUZZ_ASAN_MEMCHECK_H
#define GT_FUZZ_ASAN_MEMCHECK_H

#include <sanitizer/asan_interface.h>

#define RUNNING_ON_VALGRIND									0

#define VALGRIND_MAKE_MEM_NOACCESS(addr, size) \
	ASAN_POISON_MEMORY_REGION((addr), (size))
#define VALGRIND_MAKE_MEM_UNDEFINED(addr, size) \
	ASAN_UNPOISON_MEMORY_REGION((addr), (size))
#define VALGRIND_MAKE_MEM_DEFINED(addr, size) \
	ASAN_UNPOISON_MEMORY_REGION((addr), (size))
#define VALGRIND_CHECK_MEM_IS_DEFINED(addr, size)			((void) 0)

/*
 * A memory context is a Valgrind "mempool".  Allocation makes the chunk
 * addressable (aset.c has already poisoned its padding); aset.c poisons
 * freed chunks itself (wipe_mem), so pool frees need nothing more.
 */
#define VALGRIND_CREATE_MEMPOOL(pool, redzones, zeroed)		((void) 0)
#define VALGRIND_DESTROY_MEMPOOL(pool)						((void) 0)
#define VALGRIND_MEMPOOL_ALLOC(pool, addr, size) \
	ASAN_UNPOISON_MEMORY_REGION((addr), (size))
#define VALGRIND_MEMPOOL_FREE(pool, addr)					((void) 0)
#define VALGRIND_MEMPOOL_CHANGE(pool, oaddr, naddr, size) \
	ASAN_UNPOISON_MEMORY_REGION((naddr), (size))

#endif							/* GT_FUZZ_ASAN_MEMCHECK_H */
