"""Discover, parse, extract, cache and index: files -> ProjectIndex."""
