"""Analysis: what code knows about a talk's prose — speech noise, similarity, topic spans, quote choice, names."""
