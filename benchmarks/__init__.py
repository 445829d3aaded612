"""Benchmark inputs and peer baselines: a generated set of fictional resumes and two naive readers to compare against."""
