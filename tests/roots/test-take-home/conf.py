extensions = ["myst_nb", "book.details", "book.take_home"]
exclude_patterns = ["_build"]  # the tests build inside the project: not MyST-NB's copies
myst_enable_extensions = ["colon_fence"]
# station.md is a MyST notebook, whose outputs only a kernel can give: "auto" runs it (about a
# second), and leaves notebook.ipynb, which has its outputs already, as it is.
nb_execution_mode = "auto"
take_home_packages = []
