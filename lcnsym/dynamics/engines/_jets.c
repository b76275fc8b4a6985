/* The Taylor engine's jet recurrences in C, on the recorded tape (lcnsym/dynamics/engines/taylor.py).

   Built at first use by lcnsym/dynamics/engines/_compiled.py against gmpy2's own headers and MPFR library, so that the
   numbers it takes and returns are gmpy2 mpfr objects.  The recurrences are those of the Python nodes, coefficient by
   coefficient, at the working precision (which carries the engine's guard digits).  A sum of products is rounded term by
   term, where the Python tape's fsum sums its rounded products exactly: against a reference at twice the digits the
   two err alike (1e-33 of the largest coefficient at dps 30), and every operand at one precision keeps MPFR on its
   fast paths (a fifth of a flow's time, against 64 guard bits).  One interpreter for every tape: no code is generated
   per problem.

   At a working precision of at most FAST_BITS bits (dps 30 with the engine's guard digits is 120), the recurrences run
   on F, a binary float of our own (a 128-bit significand and a 64-bit exponent): a product is three machine
   multiplications, truncated, so it errs by less than 2^-125 of itself; a sum of products (a Cauchy product, a dot, a
   linear combination) adds the products in a 192-bit fixed-point accumulator with headroom for all its terms, which
   drops less than one unit of 2^-(190 - H) of its largest term a term (H = 2 + the bits of the term count), and rounds
   once; a lone sum errs by less than 2^-126 of its larger operand.  MPFR at FAST_BITS bits rounds each operation to
   2^-121, so the coefficients are at least as accurate (tests/test_compiled.py holds both against 60 digits).  The
   coefficients of order zero of the elementary functions, and the reciprocals that replace the divisions of the
   higher orders, are MPFR's at 128 bits; the numbers go in and out through MPFR.  The orders from one on call no MPFR,
   and their nodes are shared between threads level by level (a level reads only the levels below it).  */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <pthread.h>
#include <sched.h>
#include "gmpy2.h"

enum { OP_VAR, OP_ZERO, OP_ADD, OP_SCALE, OP_SHIFT, OP_LINCOMB, OP_MUL, OP_DOT, OP_SQUARE, OP_DIV, OP_SQRT, OP_EXP, OP_LOG,
       OP_TANH, OP_SECH };

#define FAST_BITS 120  /* working precisions F serves (a product errs < 2^-125, a sum is rounded once) */

typedef unsigned __int128 u128;
typedef struct { u128 m; int64_t e; int neg; } F;  /* (-1)^neg m 2^(e-128), m = 0 or m >= 2^127 */

static const F FZERO = {0, 0, 0};

static inline __attribute__((always_inline)) F F_mul(F a, F b) {  /* the top 128 bits of the 256-bit product (exact floor), normalized */
    if (!a.m || !b.m) return FZERO;
    uint64_t ah = (uint64_t)(a.m >> 64), al = (uint64_t)a.m, bh = (uint64_t)(b.m >> 64), bl = (uint64_t)b.m;
    u128 hl = (u128)ah * bl, lh = (u128)al * bh;
    u128 mid = (u128)(uint64_t)hl + (uint64_t)lh + (((u128)al * bl) >> 64);
    u128 top = (u128)ah * bh + (hl >> 64) + (lh >> 64) + (mid >> 64);
    F r = {top, a.e + b.e, a.neg ^ b.neg};
    if (!(top >> 127)) { r.m = (top << 1) | ((uint64_t)mid >> 63); r.e -= 1; }
    return r;
}

static inline F F_add(F a, F b) {  /* the smaller operand's bits below the larger's last are dropped */
    if (!b.m) return a;
    if (!a.m) return b;
    if (a.e < b.e || (a.e == b.e && a.m < b.m)) { F t = a; a = b; b = t; }
    int64_t d = a.e - b.e;
    if (d >= 128) return a;
    u128 mb = b.m >> d;
    if (a.neg == b.neg) {
        u128 m = a.m + mb;
        if (m < a.m) { a.m = (m >> 1) | ((u128)1 << 127); a.e += 1; }
        else a.m = m;
        return a;
    }
    u128 m = a.m - mb;
    if (!m) return FZERO;
    uint64_t hi = (uint64_t)(m >> 64);
    int z = hi ? __builtin_clzll(hi) : 64 + __builtin_clzll((uint64_t)m);
    a.m = m << z;
    a.e -= z;
    return a;
}

static inline F F_neg(F a) { a.neg = !a.neg && a.m; return a; }
static inline F F_sub(F a, F b) { return F_add(a, F_neg(b)); }

/* a sum of products, exact to 2^-(192-H) of its largest term, rounded (truncated) once */
typedef struct { u128 hi; uint64_t lo; int64_t E; int H, any; } Acc;  /* 192-bit two's complement hi:lo, x 2^(E-192) */

static inline void acc_init(Acc *A, long terms) {
    A->hi = 0; A->lo = 0; A->any = 0;
    A->H = 2 + (64 - __builtin_clzl((unsigned long)terms | 1));  /* headroom: terms of < 2^(192-H) sum below 2^191 */
}

static inline __attribute__((always_inline)) void acc_add(Acc *A, F a, F b) {  /* A += a b */
    if (!a.m || !b.m) return;
    uint64_t ah = (uint64_t)(a.m >> 64), al = (uint64_t)a.m, bh = (uint64_t)(b.m >> 64), bl = (uint64_t)b.m;
    u128 hl = (u128)ah * bl, lh = (u128)al * bh;
    u128 mid = (u128)(uint64_t)hl + (uint64_t)lh;  /* al bl below: P is low by at most 1 of its 2^126 */
    u128 P = (u128)ah * bh + (hl >> 64) + (lh >> 64) + (mid >> 64);  /* a b = P 2^(e-128) */
    int64_t e = a.e + b.e;
    if (!A->any) { A->E = e + A->H; A->any = 1; }
    else if (e + A->H > A->E) {  /* a larger term: the sum so far moves right (arithmetic shift of 192 bits) */
        int64_t d = e + A->H - A->E;
        A->E += d;
        if (d >= 192) { A->hi = (u128)((__int128)A->hi >> 127); A->lo = (uint64_t)A->hi; }
        else if (d >= 64) { A->lo = (uint64_t)((__int128)A->hi >> (d - 64)); A->hi = (u128)((__int128)A->hi >> 64 >> (d - 64)); }
        else { A->lo = (A->lo >> d) | (d ? (uint64_t)(A->hi << (64 - d)) : 0); A->hi = (u128)((__int128)A->hi >> d); }
    }
    int64_t s = A->E - e;  /* >= H: P 2^64 >> s */
    u128 h; uint64_t l;
    if (s < 64) { h = P >> s; l = (uint64_t)(P << (64 - s)); }
    else if (s < 192) { h = s < 128 ? P >> s : 0; l = (uint64_t)(P >> (s - 64)); }
    else return;
    if (a.neg ^ b.neg) { u128 borrow = A->lo < l; A->lo -= l; A->hi -= h + borrow; }
    else { A->lo += l; A->hi += h + (A->lo < l); }
}

static inline void acc_add_f(Acc *A, F a) {  /* A += a (a product with 1) */
    static const F ONE = {(u128)1 << 127, 1, 0};
    acc_add(A, a, ONE);
}

static inline F acc_value(const Acc *A) {
    if (!A->any) return FZERO;
    u128 hi = A->hi; uint64_t lo = A->lo;
    int neg = (int)(hi >> 127);
    if (neg) { lo = ~lo + 1; hi = ~hi + (lo == 0); }
    F r = {0, 0, neg};
    if (hi) {
        uint64_t top = (uint64_t)(hi >> 64);
        int z = top ? __builtin_clzll(top) : 64 + __builtin_clzll((uint64_t)hi);
        if (z == 0) r.m = hi;
        else if (z <= 64) r.m = (hi << z) | ((u128)lo >> (64 - z));
        else r.m = (hi << z) | ((u128)lo << (z - 64));
        r.e = A->E - z;
    } else if (lo) {
        int z = 128 + __builtin_clzll(lo);
        r.m = (u128)lo << (z - 64);
        r.e = A->E - z;
    } else return FZERO;
    return r;
}

static F from_mpfr(mpfr_srcptr x, int *bad) {  /* truncated to 128 bits; a nan or infinity sets *bad */
    if (mpfr_zero_p(x)) return FZERO;
    if (!mpfr_number_p(x)) { *bad = 1; return FZERO; }
    mp_limb_t *d = (mp_limb_t *)mpfr_custom_get_significand(x);
    int n = (int)((mpfr_get_prec(x) + GMP_NUMB_BITS - 1) / GMP_NUMB_BITS);  /* the top limb is d[n-1] */
    u128 m = (u128)d[n - 1] << 64;
    if (n > 1) m |= d[n - 2];
    F r = {m, mpfr_get_exp(x), mpfr_signbit(x) ? 1 : 0};
    return r;
}

static void to_mpfr(mpfr_ptr out, F a) {  /* rounded to out's precision */
    if (!a.m) { mpfr_set_zero(out, 1); return; }
    if (a.e > mpfr_get_emax()) { mpfr_set_inf(out, a.neg ? -1 : 1); return; }
    if (a.e < mpfr_get_emin()) { mpfr_set_zero(out, a.neg ? -1 : 1); return; }
    mp_limb_t limbs[2] = {(mp_limb_t)a.m, (mp_limb_t)(a.m >> 64)};
    mpfr_t x;
    mpfr_custom_init_set(x, MPFR_REGULAR_KIND, a.e, 128, limbs);
    mpfr_set(out, x, MPFR_RNDN);
    if (a.neg) mpfr_neg(out, out, MPFR_RNDN);
}

typedef struct {
    int op, a, b;      /* inputs (node indices), where the op has them */
    int n;             /* terms of a lincomb, pairs of a dot */
    int negative;      /* a negated dot */
    int *ia, *ib;      /* lincomb: inputs; dot: pair inputs */
    mpfr_t s;          /* scale, shift, lincomb constant */
    mpfr_t *scales;    /* lincomb scales */
    mpfr_t *c;         /* coefficients 0..cap-1 */
    mpfr_t *aux;       /* tanh: (t^2)_k; sech: (q t)_k; log: i l_i */
    mpfr_t *da;        /* exp, tanh, sech: i a_i */
    F fs, rec;         /* F: the constant; the reciprocal that replaces a division (div, sqrt, log) */
    F *fscales, *fc, *faux, *fda;  /* F: as above */
} Node;

typedef struct {
    mpfr_prec_t prec;
    int nnodes, nvars, cap;
    Node *nodes;
    int *vars, *outputs;
    mpfr_t acc, tmp;
    int fast, bad;     /* the series are F (prec <= FAST_BITS); a number F cannot hold went in or came out */
    mpfr_t wide;       /* 128 bits: the F path's way through MPFR */
    F *fint, *finv;    /* k and 1/k, 0 <= k < cap */
    int threads;       /* F: the threads that share an order's nodes, level by level (orders >= 1) */
    int nlevels;       /* a node's level: 1 + its inputs' highest (variables and the zero: 0) */
    int *sched;        /* the nodes by level */
    int *split;        /* level L, thread i: sched[split[L (threads + 1) + i] .. split[L (threads + 1) + i + 1]) */
    int count, sense, go;  /* the threads' barrier; their start */
} Tape;

static const char *CAPSULE = "lcnsym.jets.tape";

static void alloc_series(mpfr_t **p, int cap, mpfr_prec_t prec) {
    *p = (mpfr_t *)malloc(sizeof(mpfr_t) * cap);
    for (int i = 0; i < cap; i++) mpfr_init2((*p)[i], prec);
}

static void free_series(mpfr_t *p, int cap) {
    if (!p) return;
    for (int i = 0; i < cap; i++) mpfr_clear(p[i]);
    free(p);
}

static void regrow(mpfr_t **p, int old, int cap, mpfr_prec_t prec) {  /* a series that exists, longer */
    if (!*p) return;
    mpfr_t *fresh;
    alloc_series(&fresh, cap, prec);
    for (int j = 0; j < old; j++) mpfr_swap(fresh[j], (*p)[j]);
    free_series(*p, old);
    *p = fresh;
}

static void regrow_f(F **p, int cap) {  /* an F series that exists, longer */
    if (*p) *p = (F *)realloc(*p, sizeof(F) * cap);
}

static void grow(Tape *t, int cap) {  /* room for coefficients 0..cap-1 in every series */
    if (cap <= t->cap) return;
    for (int i = 0; i < t->nnodes; i++) {
        Node *nd = &t->nodes[i];
        if (t->fast) {
            regrow_f(&nd->fc, cap);
            regrow_f(&nd->faux, cap);
            regrow_f(&nd->fda, cap);
            continue;
        }
        regrow(&nd->c, t->cap, cap, t->prec);
        regrow(&nd->aux, t->cap, cap, t->prec);
        regrow(&nd->da, t->cap, cap, t->prec);
    }
    if (t->fast) {
        t->fint = (F *)realloc(t->fint, sizeof(F) * cap);
        t->finv = (F *)realloc(t->finv, sizeof(F) * cap);
        for (int k = t->cap; k < cap; k++) {
            mpfr_set_ui(t->wide, (unsigned long)k, MPFR_RNDN);
            t->fint[k] = from_mpfr(t->wide, &t->bad);
            mpfr_ui_div(t->wide, 1, t->wide, MPFR_RNDN);
            t->finv[k] = k ? from_mpfr(t->wide, &t->bad) : FZERO;
        }
    }
    t->cap = cap;
}

/* which inputs and series an op has */
static int reads_a(int op) { return op != OP_VAR && op != OP_ZERO && op != OP_LINCOMB && op != OP_DOT; }
static int reads_b(int op) { return op == OP_ADD || op == OP_MUL || op == OP_DIV || op == OP_SECH; }
static int has_aux(int op) { return op == OP_LOG || op == OP_TANH || op == OP_SECH; }
static int has_da(int op) { return op == OP_EXP || op == OP_TANH || op == OP_SECH; }
static int before(int x, int i) { return 0 <= x && x < i; }

static void tape_free(PyObject *capsule) {
    Tape *t = (Tape *)PyCapsule_GetPointer(capsule, CAPSULE);
    if (!t) return;
    for (int i = 0; i < t->nnodes; i++) {
        Node *nd = &t->nodes[i];
        free_series(nd->c, t->cap);
        free_series(nd->aux, t->cap);
        free_series(nd->da, t->cap);
        free(nd->fc);
        free(nd->faux);
        free(nd->fda);
        free(nd->fscales);
        mpfr_clear(nd->s);
        if (nd->scales) { for (int j = 0; j < nd->n; j++) mpfr_clear(nd->scales[j]); free(nd->scales); }
        free(nd->ia);
        free(nd->ib);
    }
    free(t->nodes);
    free(t->vars);
    free(t->outputs);
    mpfr_clear(t->acc);
    mpfr_clear(t->tmp);
    mpfr_clear(t->wide);
    free(t->fint);
    free(t->finv);
    free(t->sched);
    free(t->split);
    free(t);
}

static int get_mpfr(PyObject *obj, mpfr_t dst) {
    if (!MPFR_Check(obj)) {
        PyErr_SetString(PyExc_TypeError, "a tape constant must be a gmpy2 mpfr");
        return -1;
    }
    mpfr_set(dst, MPFR(obj), MPFR_RNDN);
    return 0;
}

/* the nodes' levels, and each level's share per thread, balanced by the terms its nodes sum (-1: out of memory) */
static long node_cost(const Node *nd) { return nd->op == OP_LINCOMB || nd->op == OP_DOT ? nd->n + 1 : 1; }

static int schedule(Tape *t, int threads) {
    int n = t->nnodes, *level = (int *)calloc(n, sizeof(int));
    if (!level) return -1;
    t->nlevels = 1;
    for (int i = 0; i < n; i++) {
        Node *nd = &t->nodes[i];
        int L = 0;
        if (reads_a(nd->op) && level[nd->a] + 1 > L) L = level[nd->a] + 1;
        if (reads_b(nd->op) && level[nd->b] + 1 > L) L = level[nd->b] + 1;
        for (int j = 0; j < nd->n; j++) {
            if (level[nd->ia[j]] + 1 > L) L = level[nd->ia[j]] + 1;
            if (nd->op == OP_DOT && level[nd->ib[j]] + 1 > L) L = level[nd->ib[j]] + 1;
        }
        level[i] = L;
        if (L + 1 > t->nlevels) t->nlevels = L + 1;
    }
    t->threads = threads < 1 ? 1 : threads;
    int T = t->threads, *start = (int *)calloc(t->nlevels + 1, sizeof(int));
    t->sched = (int *)malloc(sizeof(int) * (n + 1));
    t->split = (int *)malloc(sizeof(int) * t->nlevels * (T + 1));
    if (!start || !t->sched || !t->split) { free(level); free(start); return -1; }
    for (int i = 0; i < n; i++) start[level[i] + 1]++;
    for (int L = 0; L < t->nlevels; L++) start[L + 1] += start[L];
    int *next = (int *)malloc(sizeof(int) * t->nlevels);
    if (!next) { free(level); free(start); return -1; }
    for (int L = 0; L < t->nlevels; L++) next[L] = start[L];
    for (int i = 0; i < n; i++) t->sched[next[level[i]]++] = i;  /* stable: a level keeps the tape's order */
    for (int L = 0; L < t->nlevels; L++) {
        long total = 0, run = 0;
        for (int q = start[L]; q < start[L + 1]; q++) total += node_cost(&t->nodes[t->sched[q]]);
        int *sp = t->split + L * (T + 1), q = start[L];
        sp[0] = start[L];
        for (int i = 1; i < T; i++) {  /* thread i - 1 stops where the level's running cost passes i / T of it */
            while (q < start[L + 1] && run * T < total * i) run += node_cost(&t->nodes[t->sched[q++]]);
            sp[i] = q;
        }
        sp[T] = start[L + 1];
    }
    free(level);
    free(start);
    free(next);
    return 0;
}

/* build(prec, ops, vars, outputs, fast, threads): fast = 1 runs on F where prec <= FAST_BITS, with that many threads;
   ops[i] = (opcode, a, b, negative, const or None, [(x, y or scale), ...]) */
static PyObject *build(PyObject *self, PyObject *args) {
    long prec;
    int fast, threads;
    PyObject *ops, *vars, *outputs;
    if (!PyArg_ParseTuple(args, "lO!O!O!pi", &prec, &PyList_Type, &ops, &PyList_Type, &vars, &PyList_Type, &outputs, &fast,
                          &threads))
        return NULL;
    Tape *t = (Tape *)calloc(1, sizeof(Tape));
    t->prec = prec;
    t->fast = fast && prec <= FAST_BITS && GMP_NUMB_BITS == 64;
    mpfr_init2(t->wide, 128);
    if (t->fast) {  /* k and 1/k for k = 0 (unused); grow() adds the others */
        t->fint = (F *)calloc(1, sizeof(F));
        t->finv = (F *)calloc(1, sizeof(F));
    }
    t->cap = 1;  /* every series is allocated with one coefficient as its node is read; grow() lengthens them */
    t->nnodes = (int)PyList_GET_SIZE(ops);
    t->nvars = (int)PyList_GET_SIZE(vars);
    t->nodes = (Node *)calloc(t->nnodes, sizeof(Node));
    t->vars = (int *)malloc(sizeof(int) * t->nvars);
    t->outputs = (int *)malloc(sizeof(int) * t->nvars);
    mpfr_init2(t->acc, prec);  /* one precision for every operand: MPFR's fast paths */
    mpfr_init2(t->tmp, prec);
    PyObject *capsule = PyCapsule_New(t, CAPSULE, tape_free);
    for (int i = 0; i < t->nnodes; i++) mpfr_init2(t->nodes[i].s, prec);
    if (PyList_GET_SIZE(outputs) != t->nvars) {
        PyErr_SetString(PyExc_ValueError, "one output per variable");
        goto fail;
    }
    for (int i = 0; i < t->nvars; i++) {
        t->vars[i] = (int)PyLong_AsLong(PyList_GET_ITEM(vars, i));
        t->outputs[i] = (int)PyLong_AsLong(PyList_GET_ITEM(outputs, i));
        if (PyErr_Occurred()) goto fail;
        if (!before(t->vars[i], t->nnodes) || !before(t->outputs[i], t->nnodes)) {
            PyErr_SetString(PyExc_ValueError, "a variable or output is not a node of the tape");
            goto fail;
        }
    }
    for (int i = 0; i < t->nnodes; i++) {
        Node *nd = &t->nodes[i];
        PyObject *spec = PyList_GET_ITEM(ops, i);
        PyObject *constant, *terms;
        if (!PyArg_ParseTuple(spec, "iiiiOO", &nd->op, &nd->a, &nd->b, &nd->negative, &constant, &terms)) goto fail;
        if (constant != Py_None && get_mpfr(constant, nd->s) < 0) goto fail;
        if (nd->op < OP_VAR || nd->op > OP_SECH) {
            PyErr_SetString(PyExc_ValueError, "an unknown op");
            goto fail;
        }
        /* a tape is in topological order: a node's inputs come before it */
        if ((reads_a(nd->op) && !before(nd->a, i)) || (reads_b(nd->op) && !before(nd->b, i))) {
            PyErr_SetString(PyExc_ValueError, "a node's input does not come before it");
            goto fail;
        }
        if (t->fast) {
            if (constant != Py_None) nd->fs = from_mpfr(nd->s, &t->bad);
            nd->fc = (F *)calloc(1, sizeof(F));
            if (has_aux(nd->op)) nd->faux = (F *)calloc(1, sizeof(F));
            if (has_da(nd->op)) nd->fda = (F *)calloc(1, sizeof(F));
        } else {
            alloc_series(&nd->c, 1, prec);
            if (has_aux(nd->op)) alloc_series(&nd->aux, 1, prec);
            if (has_da(nd->op)) alloc_series(&nd->da, 1, prec);
        }
        if ((nd->op == OP_LINCOMB || nd->op == OP_DOT) && terms != Py_None) {
            nd->n = (int)PyList_Size(terms);
            nd->ia = (int *)malloc(sizeof(int) * (nd->n + 1));
            nd->ib = (int *)malloc(sizeof(int) * (nd->n + 1));
            if (nd->op == OP_LINCOMB) {
                nd->scales = (mpfr_t *)malloc(sizeof(mpfr_t) * (nd->n + 1));
                for (int j = 0; j < nd->n; j++) mpfr_init2(nd->scales[j], prec);
                if (t->fast) nd->fscales = (F *)malloc(sizeof(F) * (nd->n + 1));
            }
            for (int j = 0; j < nd->n; j++) {
                PyObject *term = PyList_GET_ITEM(terms, j), *second;
                int x;
                if (!PyArg_ParseTuple(term, "iO", &x, &second)) goto fail;
                nd->ia[j] = x;
                if (nd->op == OP_LINCOMB) {
                    if (get_mpfr(second, nd->scales[j]) < 0) goto fail;
                    if (t->fast) nd->fscales[j] = from_mpfr(nd->scales[j], &t->bad);
                } else {
                    nd->ib[j] = (int)PyLong_AsLong(second);
                    if (PyErr_Occurred()) goto fail;
                }
                if (!before(x, i) || (nd->op == OP_DOT && !before(nd->ib[j], i))) {
                    PyErr_SetString(PyExc_ValueError, "a node's input does not come before it");
                    goto fail;
                }
            }
        }
    }
    if (t->fast && schedule(t, threads) < 0) {
        PyErr_NoMemory();
        goto fail;
    }
    if (t->bad) {  /* a constant F cannot hold (a nan or an infinity): MPFR's arithmetic carries it */
        PyErr_SetString(PyExc_ValueError, "a tape constant is not a finite number");
        goto fail;
    }
    return capsule;
fail:
    Py_DECREF(capsule);  /* frees what was allocated: a node not yet read has no series */
    return NULL;
}

/* acc += sum_j x[j] y[m - j] for j in [lo, hi] */
static void cauchy(Tape *t, mpfr_t *x, mpfr_t *y, int lo, int hi, int m) {
    for (int j = lo; j <= hi; j++) {  /* the product, then the sum: twice as fast as mpfr_fma */
        mpfr_mul(t->tmp, x[j], y[m - j], MPFR_RNDN);
        mpfr_add(t->acc, t->acc, t->tmp, MPFR_RNDN);
    }
}

/* acc = sum_{j=lo}^{k-lo} x_j x_{k-j}: each product once, doubled, and the middle square */
static void square_sum(Tape *t, mpfr_t *x, int lo, int k) {
    mpfr_set_zero(t->acc, 1);
    cauchy(t, x, x, lo, (k + 1) / 2 - 1, k);
    mpfr_mul_2ui(t->acc, t->acc, 1, MPFR_RNDN);
    if (k % 2 == 0 && k / 2 >= lo) {
        mpfr_mul(t->tmp, x[k / 2], x[k / 2], MPFR_RNDN);
        mpfr_add(t->acc, t->acc, t->tmp, MPFR_RNDN);
    }
}

/* da_k = k a_k, then acc = (sum_{i=1}^k da_i y_{k-i}) / k: the recurrences of y' = a' times a series y (exp, tanh, sech) */
static void derivative_sum(Tape *t, Node *nd, mpfr_t *a, mpfr_t *y, int k) {
    mpfr_mul_ui(nd->da[k], a[k], (unsigned long)k, MPFR_RNDN);
    mpfr_set_zero(t->acc, 1);
    cauchy(t, nd->da, y, 1, k, k);
    mpfr_div_ui(t->acc, t->acc, (unsigned long)k, MPFR_RNDN);
}

static void step(Tape *t, Node *nd, int k) {
    Node *N = t->nodes;
    mpfr_t *c = nd->c;
    mpfr_ptr out = c[k];
    switch (nd->op) {
    case OP_VAR:
        return;
    case OP_ZERO:
        mpfr_set_zero(out, 1);
        return;
    case OP_ADD:
        mpfr_add(out, N[nd->a].c[k], N[nd->b].c[k], MPFR_RNDN);
        return;
    case OP_SCALE:
        mpfr_mul(out, nd->s, N[nd->a].c[k], MPFR_RNDN);
        return;
    case OP_SHIFT:
        if (k == 0) mpfr_add(out, N[nd->a].c[0], nd->s, MPFR_RNDN);
        else mpfr_set(out, N[nd->a].c[k], MPFR_RNDN);
        return;
    case OP_LINCOMB:
        if (k == 0) mpfr_set(t->acc, nd->s, MPFR_RNDN);
        else mpfr_set_zero(t->acc, 1);
        for (int j = 0; j < nd->n; j++) {
            mpfr_mul(t->tmp, nd->scales[j], N[nd->ia[j]].c[k], MPFR_RNDN);
            mpfr_add(t->acc, t->acc, t->tmp, MPFR_RNDN);
        }
        mpfr_set(out, t->acc, MPFR_RNDN);
        return;
    case OP_MUL:
        mpfr_set_zero(t->acc, 1);
        cauchy(t, N[nd->a].c, N[nd->b].c, 0, k, k);
        mpfr_set(out, t->acc, MPFR_RNDN);
        return;
    case OP_DOT:
        mpfr_set_zero(t->acc, 1);
        for (int p = 0; p < nd->n; p++) cauchy(t, N[nd->ia[p]].c, N[nd->ib[p]].c, 0, k, k);
        mpfr_set(out, t->acc, MPFR_RNDN);
        if (nd->negative) mpfr_neg(out, out, MPFR_RNDN);
        return;
    case OP_SQUARE:
        square_sum(t, N[nd->a].c, 0, k);
        mpfr_set(out, t->acc, MPFR_RNDN);
        return;
    case OP_DIV: {
        mpfr_t *a = N[nd->a].c, *b = N[nd->b].c;
        if (k == 0) { mpfr_div(out, a[0], b[0], MPFR_RNDN); return; }
        mpfr_set(t->acc, a[k], MPFR_RNDN);
        mpfr_neg(t->acc, t->acc, MPFR_RNDN);
        cauchy(t, b, c, 1, k, k);  /* sum_{j=1..k} b_j q_{k-j} - a_k */
        mpfr_neg(t->acc, t->acc, MPFR_RNDN);
        mpfr_div(out, t->acc, b[0], MPFR_RNDN);
        return;
    }
    case OP_SQRT: {
        mpfr_t *a = N[nd->a].c;
        if (k == 0) { mpfr_sqrt(out, a[0], MPFR_RNDN); return; }
        square_sum(t, c, 1, k);  /* s_k is not known yet: the sum runs over j = 1..k-1 */
        mpfr_sub(t->acc, a[k], t->acc, MPFR_RNDN);  /* a_k - sum_{j=1}^{k-1} s_j s_{k-j} */
        mpfr_div(t->acc, t->acc, c[0], MPFR_RNDN);
        mpfr_div_2ui(out, t->acc, 1, MPFR_RNDN);
        return;
    }
    case OP_EXP: {
        mpfr_t *a = N[nd->a].c;
        if (k == 0) { mpfr_exp(out, a[0], MPFR_RNDN); mpfr_set_zero(nd->da[0], 1); return; }
        derivative_sum(t, nd, a, c, k);
        mpfr_set(out, t->acc, MPFR_RNDN);
        return;
    }
    case OP_LOG: {
        mpfr_t *a = N[nd->a].c, *dl = nd->aux;
        if (k == 0) { mpfr_log(out, a[0], MPFR_RNDN); mpfr_set_zero(dl[0], 1); return; }
        mpfr_mul_ui(t->acc, a[k], (unsigned long)k, MPFR_RNDN);
        mpfr_neg(t->acc, t->acc, MPFR_RNDN);
        cauchy(t, dl, a, 1, k - 1, k);  /* sum_{i=1}^{k-1} i l_i a_{k-i} - k a_k */
        mpfr_neg(t->acc, t->acc, MPFR_RNDN);
        mpfr_div_ui(t->acc, t->acc, (unsigned long)k, MPFR_RNDN);
        mpfr_div(out, t->acc, a[0], MPFR_RNDN);
        mpfr_mul_ui(dl[k], out, (unsigned long)k, MPFR_RNDN);
        return;
    }
    case OP_TANH: {
        mpfr_t *a = N[nd->a].c, *sq = nd->aux;
        if (k == 0) {
            mpfr_tanh(out, a[0], MPFR_RNDN);
            mpfr_set_zero(nd->da[0], 1);
        } else {
            derivative_sum(t, nd, a, sq, k);
            mpfr_sub(out, a[k], t->acc, MPFR_RNDN);
        }
        square_sum(t, c, 0, k);  /* (t^2)_k */
        mpfr_set(sq[k], t->acc, MPFR_RNDN);
        return;
    }
    case OP_SECH: {
        mpfr_t *a = N[nd->a].c, *th = N[nd->b].c, *qt = nd->aux;
        if (k == 0) {
            mpfr_sech(out, a[0], MPFR_RNDN);
            mpfr_set_zero(nd->da[0], 1);
        } else {
            derivative_sum(t, nd, a, qt, k);
            mpfr_neg(out, t->acc, MPFR_RNDN);
        }
        mpfr_set_zero(t->acc, 1);
        cauchy(t, c, th, 0, k, k);
        mpfr_set(qt[k], t->acc, MPFR_RNDN);
        return;
    }
    }
}

/* ---- the same recurrences on F (t->fast) */

static inline void F_cauchy(Acc *A, const F *x, const F *y, int lo, int hi, int m) {  /* A += sum_{j=lo}^{hi} x_j y_{m-j} */
    for (int j = lo; j <= hi; j++) acc_add(A, x[j], y[m - j]);
}

static F F_sum(const F *x, const F *y, int lo, int hi, int m) {  /* sum_{j=lo}^{hi} x_j y_{m-j}, rounded once */
    Acc A;
    acc_init(&A, hi - lo + 1);
    F_cauchy(&A, x, y, lo, hi, m);
    return acc_value(&A);
}

static F F_square_sum(const F *x, int lo, int k) {  /* as square_sum, rounded once */
    Acc A;
    acc_init(&A, k + 1);
    F_cauchy(&A, x, x, lo, (k + 1) / 2 - 1, k);
    A.hi = (A.hi << 1) | (A.lo >> 63);  /* each pair twice (the headroom counts k + 1 terms) */
    A.lo <<= 1;
    if (k % 2 == 0 && k / 2 >= lo) acc_add(&A, x[k / 2], x[k / 2]);
    return acc_value(&A);
}

static F F_derivative_sum(Tape *t, Node *nd, const F *a, const F *y, int k) {  /* as derivative_sum */
    nd->fda[k] = F_mul(t->fint[k], a[k]);
    return F_mul(F_sum(nd->fda, y, 1, k, k), t->finv[k]);
}

static F F_apply(Tape *t, int (*fn)(mpfr_ptr, mpfr_srcptr, mpfr_rnd_t), F x) {  /* an order-zero function, by MPFR */
    to_mpfr(t->wide, x);
    fn(t->wide, t->wide, MPFR_RNDN);
    return from_mpfr(t->wide, &t->bad);
}

static F F_recip(Tape *t, F x, unsigned long scale) {  /* 1 / (scale x), by MPFR; 1/0 sets t->bad */
    to_mpfr(t->wide, x);
    mpfr_mul_ui(t->wide, t->wide, scale, MPFR_RNDN);
    mpfr_ui_div(t->wide, 1, t->wide, MPFR_RNDN);
    return from_mpfr(t->wide, &t->bad);
}

static void F_step(Tape *t, Node *nd, int k) {
    Node *N = t->nodes;
    F *c = nd->fc;
    switch (nd->op) {
    case OP_VAR:
        return;
    case OP_ZERO:
        c[k] = FZERO;
        return;
    case OP_ADD:
        c[k] = F_add(N[nd->a].fc[k], N[nd->b].fc[k]);
        return;
    case OP_SCALE:
        c[k] = F_mul(nd->fs, N[nd->a].fc[k]);
        return;
    case OP_SHIFT:
        c[k] = k ? N[nd->a].fc[k] : F_add(N[nd->a].fc[0], nd->fs);
        return;
    case OP_LINCOMB: {
        Acc A;
        acc_init(&A, nd->n + 1);
        if (k == 0) acc_add_f(&A, nd->fs);
        for (int j = 0; j < nd->n; j++) acc_add(&A, nd->fscales[j], N[nd->ia[j]].fc[k]);
        c[k] = acc_value(&A);
        return;
    }
    case OP_MUL:
        c[k] = F_sum(N[nd->a].fc, N[nd->b].fc, 0, k, k);
        return;
    case OP_DOT: {
        Acc A;
        acc_init(&A, (long)nd->n * (k + 1));
        for (int p = 0; p < nd->n; p++) F_cauchy(&A, N[nd->ia[p]].fc, N[nd->ib[p]].fc, 0, k, k);
        c[k] = nd->negative ? F_neg(acc_value(&A)) : acc_value(&A);
        return;
    }
    case OP_SQUARE:
        c[k] = F_square_sum(N[nd->a].fc, 0, k);
        return;
    case OP_DIV: {  /* q_k = (a_k - sum_{j=1}^k b_j q_{k-j}) / b_0 */
        F *a = N[nd->a].fc, *b = N[nd->b].fc;
        if (k == 0) nd->rec = F_recip(t, b[0], 1);
        c[k] = F_mul(F_sub(a[k], F_sum(b, c, 1, k, k)), nd->rec);
        return;
    }
    case OP_SQRT: {  /* s_k = (a_k - sum_{j=1}^{k-1} s_j s_{k-j}) / (2 s_0) */
        F *a = N[nd->a].fc;
        if (k == 0) {
            c[0] = F_apply(t, mpfr_sqrt, a[0]);
            nd->rec = F_recip(t, c[0], 2);
            return;
        }
        c[k] = F_mul(F_sub(a[k], F_square_sum(c, 1, k)), nd->rec);
        return;
    }
    case OP_EXP: {
        F *a = N[nd->a].fc;
        if (k == 0) {
            c[0] = F_apply(t, mpfr_exp, a[0]);
            nd->fda[0] = FZERO;
            return;
        }
        c[k] = F_derivative_sum(t, nd, a, c, k);
        return;
    }
    case OP_LOG: {  /* l_k = (k a_k - sum_{i=1}^{k-1} i l_i a_{k-i}) / (k a_0) */
        F *a = N[nd->a].fc, *dl = nd->faux;
        if (k == 0) {
            c[0] = F_apply(t, mpfr_log, a[0]);
            nd->rec = F_recip(t, a[0], 1);
            dl[0] = FZERO;
            return;
        }
        F acc = F_sub(F_mul(t->fint[k], a[k]), F_sum(dl, a, 1, k - 1, k));
        c[k] = F_mul(F_mul(acc, t->finv[k]), nd->rec);
        dl[k] = F_mul(t->fint[k], c[k]);
        return;
    }
    case OP_TANH: {
        F *a = N[nd->a].fc, *sq = nd->faux;
        if (k == 0) {
            c[0] = F_apply(t, mpfr_tanh, a[0]);
            nd->fda[0] = FZERO;
        } else {
            c[k] = F_sub(a[k], F_derivative_sum(t, nd, a, sq, k));
        }
        sq[k] = F_square_sum(c, 0, k);
        return;
    }
    case OP_SECH: {
        F *a = N[nd->a].fc, *th = N[nd->b].fc, *qt = nd->faux;
        if (k == 0) {
            c[0] = F_apply(t, mpfr_sech, a[0]);
            nd->fda[0] = FZERO;
        } else {
            c[k] = F_neg(F_derivative_sum(t, nd, a, qt, k));
        }
        qt[k] = F_sum(c, th, 0, k, k);
        return;
    }
    }
}

/* ---- the orders >= 1 on F shared by t->threads threads: a level's nodes read only lower levels, so its share per
   thread runs without locks, and a barrier closes each level (the orders >= 1 call no MPFR: no MPFR state is shared) */

static void barrier(Tape *t, int *sense) {  /* sense-reversing; spins, then yields the core */
    *sense = !*sense;
    if (__atomic_add_fetch(&t->count, 1, __ATOMIC_ACQ_REL) == t->threads) {
        __atomic_store_n(&t->count, 0, __ATOMIC_RELAXED);
        __atomic_store_n(&t->sense, *sense, __ATOMIC_RELEASE);
        return;
    }
    for (long spins = 0; __atomic_load_n(&t->sense, __ATOMIC_ACQUIRE) != *sense; spins++)
        if (spins > 2000) sched_yield();
}

static void F_vars(Tape *t, int k, int lo, int hi) {  /* c_{k+1} = f_k / (k + 1) of variables lo..hi-1 */
    for (int i = lo; i < hi; i++) t->nodes[t->vars[i]].fc[k + 1] = F_mul(t->nodes[t->outputs[i]].fc[k], t->finv[k + 1]);
}

typedef struct { Tape *t; int tid, solo, order; } Share;

static void *F_orders(void *arg) {  /* orders 1..order-1: this thread's share of each level, or (solo) every share */
    Share *sh = (Share *)arg;
    Tape *t = sh->t;
    int T = t->threads, sense = 0, lo = sh->solo ? 0 : sh->tid, hi = sh->solo ? T : sh->tid + 1;
    if (!sh->solo && sh->tid > 0) {  /* a worker waits until every thread is there (go = 1), or none will be (-1) */
        for (long spins = 0; __atomic_load_n(&t->go, __ATOMIC_ACQUIRE) == 0; spins++)
            if (spins > 2000) sched_yield();
        if (t->go < 0) return NULL;
    }
    for (int k = 1; k < sh->order; k++) {
        for (int L = 0; L < t->nlevels; L++) {
            int *sp = t->split + L * (T + 1);
            for (int q = sp[lo]; q < sp[hi]; q++) F_step(t, &t->nodes[t->sched[q]], k);
            if (!sh->solo) barrier(t, &sense);
        }
        F_vars(t, k, t->nvars * lo / T, t->nvars * hi / T);
        if (!sh->solo) barrier(t, &sense);
    }
    return NULL;
}

/* the coefficients 0..order of every variable, into its series (F or MPFR) */
static void run(Tape *t, PyObject *state, int order) {
    if (t->fast) {
        t->bad = 0;
        for (int i = 0; i < t->nvars; i++) t->nodes[t->vars[i]].fc[0] = from_mpfr(MPFR(PyList_GET_ITEM(state, i)), &t->bad);
        if (order < 1) return;
        for (int i = 0; i < t->nnodes; i++) F_step(t, &t->nodes[i], 0);  /* order 0: MPFR's functions, one thread */
        F_vars(t, 0, 0, t->nvars);
        int T = order > 1 ? t->threads : 1, started = 1;  /* threads made per call: nothing to go wrong in a fork */
        pthread_t workers[T];
        Share shares[T];
        t->count = t->sense = t->go = 0;
        for (int i = 0; i < T; i++) shares[i] = (Share){t, i, T == 1, order};
        Py_BEGIN_ALLOW_THREADS
        while (started < T && pthread_create(&workers[started], NULL, F_orders, &shares[started]) == 0) started++;
        __atomic_store_n(&t->go, started == T ? 1 : -1, __ATOMIC_RELEASE);
        shares[0].solo = started < T;  /* a thread could not be made: this one runs every share */
        F_orders(&shares[0]);
        for (int i = 1; i < started; i++) pthread_join(workers[i], NULL);
        Py_END_ALLOW_THREADS
        return;
    }
    for (int i = 0; i < t->nvars; i++) mpfr_set(t->nodes[t->vars[i]].c[0], MPFR(PyList_GET_ITEM(state, i)), MPFR_RNDN);
    for (int k = 0; k < order; k++) {
        for (int i = 0; i < t->nnodes; i++) step(t, &t->nodes[i], k);
        for (int i = 0; i < t->nvars; i++)
            mpfr_div_ui(t->nodes[t->vars[i]].c[k + 1], t->nodes[t->outputs[i]].c[k], (unsigned long)(k + 1), MPFR_RNDN);
    }
}

/* coefficients(tape, state, order): the Taylor coefficients 0..order of the solution through state, per variable */
static PyObject *coefficients(PyObject *self, PyObject *args) {
    PyObject *capsule, *state;
    int order;
    if (!PyArg_ParseTuple(args, "OO!i", &capsule, &PyList_Type, &state, &order)) return NULL;
    Tape *t = (Tape *)PyCapsule_GetPointer(capsule, CAPSULE);
    if (!t) return NULL;
    if (PyList_GET_SIZE(state) != t->nvars || order < 0) {
        PyErr_SetString(PyExc_ValueError, "one state entry per variable, and an order >= 0");
        return NULL;
    }
    for (int i = 0; i < t->nvars; i++) {
        if (!MPFR_Check(PyList_GET_ITEM(state, i))) {
            PyErr_SetString(PyExc_TypeError, "the state must be gmpy2 mpfr numbers");
            return NULL;
        }
    }
    grow(t, order + 1);
    run(t, state, order);
    PyObject *out = PyList_New(t->nvars);
    for (int i = 0; i < t->nvars; i++) {
        PyObject *row = PyList_New(order + 1);
        Node *v = &t->nodes[t->vars[i]];
        for (int k = 0; k <= order; k++) {
            MPFR_Object *x = GMPy_MPFR_New(t->prec, NULL);
            if (!x) { Py_DECREF(row); Py_DECREF(out); return NULL; }
            if (!t->fast) mpfr_set(x->f, v->c[k], MPFR_RNDN);
            else if (t->bad) mpfr_set_nan(x->f);  /* a nan or an infinity on the way: the field is not finite */
            else to_mpfr(x->f, v->fc[k]);
            PyList_SET_ITEM(row, k, (PyObject *)x);
        }
        PyList_SET_ITEM(out, i, row);
    }
    return out;
}

/* arithmetic(tape): which numbers the recurrences run on */
static PyObject *arithmetic(PyObject *self, PyObject *args) {
    PyObject *capsule;
    if (!PyArg_ParseTuple(args, "O", &capsule)) return NULL;
    Tape *t = (Tape *)PyCapsule_GetPointer(capsule, CAPSULE);
    if (!t) return NULL;
    return PyUnicode_FromString(t->fast ? "F128" : "MPFR");
}

static PyMethodDef methods[] = {
    {"build", build, METH_VARARGS, "build(prec, ops, vars, outputs, fast) -> tape"},
    {"arithmetic", arithmetic, METH_VARARGS, "arithmetic(tape) -> 'F128' or 'MPFR'"},
    {"coefficients", coefficients, METH_VARARGS, "coefficients(tape, state, order) -> [[c_0..c_order] per variable]"},
    {NULL, NULL, 0, NULL}};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_lcnsym_jets", NULL, -1, methods};

PyMODINIT_FUNC PyInit__lcnsym_jets(void) {
    if (import_gmpy2() < 0) return NULL;
    PyObject *m = PyModule_Create(&module);
    if (m && PyModule_AddIntConstant(m, "FAST_BITS", GMP_NUMB_BITS == 64 ? FAST_BITS : 0) < 0) { Py_DECREF(m); return NULL; }
    return m;
}
