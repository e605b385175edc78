// Training module tests
