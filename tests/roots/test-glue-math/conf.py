extensions = ["myst_nb", "book.glue_math"]
exclude_patterns = ["_build"]  # the tests build inside the project: not MyST-NB's copies
nb_execution_mode = "off"  # index.ipynb carries the outputs glue() gave: no kernel
