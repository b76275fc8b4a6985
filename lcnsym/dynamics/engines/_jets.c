/* The Taylor engine's jet recurrences in C, on the recorded tape (lcnsym/dynamics/engines/taylor.py).

   Built at first use by lcnsym/dynamics/engines/_compiled.py against gmpy2's own headers and MPFR library, so that the
   numbers it takes and returns are gmpy2 mpfr objects.  The recurrences are those of the Python nodes, coefficient by
   coefficient, at the working precision (which carries the engine's guard digits).  A sum of products is rounded term by
   term, where the Python tape's fsum sums its rounded products exactly: against a reference at twice the digits the
   two err alike (1e-33 of the largest coefficient at dps 30), and every operand at one precision keeps MPFR on its
   fast paths (a fifth of a flow's time, against 64 guard bits).  One interpreter for every tape: no code is generated
   per problem. */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include "gmpy2.h"

enum { OP_VAR, OP_ZERO, OP_ADD, OP_SCALE, OP_SHIFT, OP_LINCOMB, OP_MUL, OP_DOT, OP_SQUARE, OP_DIV, OP_SQRT, OP_EXP, OP_LOG,
       OP_TANH, OP_SECH };

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
} Node;

typedef struct {
    mpfr_prec_t prec;
    int nnodes, nvars, cap;
    Node *nodes;
    int *vars, *outputs;
    mpfr_t acc, tmp;
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

static void grow(Tape *t, int cap) {  /* room for coefficients 0..cap-1 in every series */
    if (cap <= t->cap) return;
    for (int i = 0; i < t->nnodes; i++) {
        Node *nd = &t->nodes[i];
        regrow(&nd->c, t->cap, cap, t->prec);
        regrow(&nd->aux, t->cap, cap, t->prec);
        regrow(&nd->da, t->cap, cap, t->prec);
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

/* build(prec, ops, vars, outputs): ops[i] = (opcode, a, b, negative, const or None, [(x, y or scale), ...]) */
static PyObject *build(PyObject *self, PyObject *args) {
    long prec;
    PyObject *ops, *vars, *outputs;
    if (!PyArg_ParseTuple(args, "lO!O!O!", &prec, &PyList_Type, &ops, &PyList_Type, &vars, &PyList_Type, &outputs))
        return NULL;
    Tape *t = (Tape *)calloc(1, sizeof(Tape));
    t->prec = prec;
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
        alloc_series(&nd->c, 1, prec);
        if (has_aux(nd->op)) alloc_series(&nd->aux, 1, prec);
        if (has_da(nd->op)) alloc_series(&nd->da, 1, prec);
        if ((nd->op == OP_LINCOMB || nd->op == OP_DOT) && terms != Py_None) {
            nd->n = (int)PyList_Size(terms);
            nd->ia = (int *)malloc(sizeof(int) * (nd->n + 1));
            nd->ib = (int *)malloc(sizeof(int) * (nd->n + 1));
            if (nd->op == OP_LINCOMB) {
                nd->scales = (mpfr_t *)malloc(sizeof(mpfr_t) * (nd->n + 1));
                for (int j = 0; j < nd->n; j++) mpfr_init2(nd->scales[j], prec);
            }
            for (int j = 0; j < nd->n; j++) {
                PyObject *term = PyList_GET_ITEM(terms, j), *second;
                int x;
                if (!PyArg_ParseTuple(term, "iO", &x, &second)) goto fail;
                nd->ia[j] = x;
                if (nd->op == OP_LINCOMB) {
                    if (get_mpfr(second, nd->scales[j]) < 0) goto fail;
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
    for (int i = 0; i < t->nvars; i++) mpfr_set(t->nodes[t->vars[i]].c[0], MPFR(PyList_GET_ITEM(state, i)), MPFR_RNDN);
    for (int k = 0; k < order; k++) {
        for (int i = 0; i < t->nnodes; i++) step(t, &t->nodes[i], k);
        for (int i = 0; i < t->nvars; i++)
            mpfr_div_ui(t->nodes[t->vars[i]].c[k + 1], t->nodes[t->outputs[i]].c[k], (unsigned long)(k + 1), MPFR_RNDN);
    }
    PyObject *out = PyList_New(t->nvars);
    for (int i = 0; i < t->nvars; i++) {
        PyObject *row = PyList_New(order + 1);
        mpfr_t *c = t->nodes[t->vars[i]].c;
        for (int k = 0; k <= order; k++) {
            MPFR_Object *x = GMPy_MPFR_New(t->prec, NULL);
            if (!x) { Py_DECREF(row); Py_DECREF(out); return NULL; }
            mpfr_set(x->f, c[k], MPFR_RNDN);
            PyList_SET_ITEM(row, k, (PyObject *)x);
        }
        PyList_SET_ITEM(out, i, row);
    }
    return out;
}

static PyMethodDef methods[] = {
    {"build", build, METH_VARARGS, "build(prec, ops, vars, outputs) -> tape"},
    {"coefficients", coefficients, METH_VARARGS, "coefficients(tape, state, order) -> [[c_0..c_order] per variable]"},
    {NULL, NULL, 0, NULL}};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_lcnsym_jets", NULL, -1, methods};

PyMODINIT_FUNC PyInit__lcnsym_jets(void) {
    if (import_gmpy2() < 0) return NULL;
    return PyModule_Create(&module);
}
