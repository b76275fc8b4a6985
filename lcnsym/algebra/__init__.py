"""The algebra of LCNs: architectures (eq. 1.5), coefficient lists, the polynomials ``p~_i`` (eq. 2.1),
the final filter ``pi(w)`` (Prop. 1.1, 2.1) and convolution matrices (eq. 1.4).  Exact and symbolic."""
