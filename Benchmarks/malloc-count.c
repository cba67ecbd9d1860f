/* Counts malloc calls of a process (LD_PRELOAD); see BENCHMARKS.md, "allocations per event". */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
static unsigned long n;
static void* (*real)(size_t);
void* malloc(size_t s){ if(!real) real = dlsym(RTLD_NEXT,"malloc"); n++; return real(s);}
__attribute__((destructor)) static void fin(void){ fprintf(stderr,"mallocs %lu\n", n);}
