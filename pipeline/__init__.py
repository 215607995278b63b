"""The handbook pipeline: qualification handbooks in, Parquet datasets and unit mappings out."""

__version__ = "0.1.0"
