extensions = ["myst_nb", "book.twins"]
nb_execution_mode = "off"  # the check reads the code; nothing needs to run
