"""What the benchmarks share. Every script directly in bench/ is a benchmark (make bench runs each)."""
