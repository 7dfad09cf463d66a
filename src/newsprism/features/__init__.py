"""Features: sentence vectors, document vectors and MinHash signatures computed from articles."""
