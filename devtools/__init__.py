"""What the tests and the benchmarks share: throwaway services they start and stop."""
