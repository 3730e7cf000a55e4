"""Readers for what other systems write: static site generators and WordPress exports."""
