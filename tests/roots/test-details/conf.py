extensions = ["myst_parser", "book.details"]
myst_enable_extensions = ["colon_fence"]  # :::{dropdown}, as the book writes it
