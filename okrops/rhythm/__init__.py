"""Writing OKRs over time: a new repository (``init``), new entries (``new``), closing and opening cycles."""
