"""Publish stage: validate staged datasets and swap them into place together."""
