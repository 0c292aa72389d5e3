"""olistctl: the Olist e-commerce analytics pipeline, on AWS or on a laptop."""

__version__ = "0.1.0"
