"""Section 2.2: certified roots, the root bound (Lemma 2.3), submultiplicativity (Lemma 2.2), the
factorization into linear factors (Lemma 2.4), and the families of test polynomials."""
