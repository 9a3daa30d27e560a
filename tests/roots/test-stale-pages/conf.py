extensions = ["book.stale_pages"]
