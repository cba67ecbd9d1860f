// Replaced by the results store (issue 4).
