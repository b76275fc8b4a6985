"""Section 3 and the gradient flow: losses, data, the empirical risk and its gradient, the bounds
``tau`` (Lemma 3.5) and ``g`` (Lemma 3.6), the flow and its engines, plots."""
