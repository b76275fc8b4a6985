"""lcnsym: machine checks of the mathematics of linear convolutional networks.

Diederen, Rauhut, Terstiege (2026), "Convergence of gradient flow for learning
convolutional neural networks": every numbered result is a check in
``lcnsym.proofs``; the objects of the paper are here.
"""

from lcnsym.errors import *  # noqa: F401,F403
from lcnsym.architecture import Architecture, final_filter_width, final_stride, stride_products
from lcnsym.evidence import CheckConfig, Evidence
from lcnsym.registry import Registry, discover

__version__ = "0.1.0"
