"""The core: records, ids, text, errors, schemas and their dictionary, the manifest and editions; below every layer."""
