extensions = ["myst_nb", "book.explorable"]
exclude_patterns = ["_build"]  # the tests build inside the project: not MyST-NB's copies
nb_execution_mode = "off"  # the notebooks carry what explore.panel(...) glued: no kernel
root_doc = "plain"  # its contents list the two notebooks
