// Keyboard access that the theme's markup lacks (src/book/accessible.py mends the markup).
(() => {
  // The menu and contents buttons are labels of hidden checkboxes, out of the keyboard's
  // reach: each becomes a button that toggles its checkbox and says whether it is open.
  for (const label of document.querySelectorAll("label[data-name][for]")) {
    const box = document.getElementById(label.htmlFor);
    const button = document.createElement("button");
    button.type = "button";
    button.className = label.className;
    button.setAttribute("aria-label", label.dataset.name);
    button.replaceChildren(...label.childNodes);
    const expanded = () => button.setAttribute("aria-expanded", String(box.checked));
    button.addEventListener("click", () => {
      box.checked = !box.checked;
      box.dispatchEvent(new Event("change"));
    });
    box.addEventListener("change", expanded);
    expanded();
    label.replaceWith(button);
  }
  // Escape closes an open drawer.
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    for (const box of document.querySelectorAll("input.sidebar-toggle:checked")) {
      box.checked = false;
      box.dispatchEvent(new Event("change"));
    }
  });
  // A box that scrolls sideways (wide code, a long formula or figure on a phone) takes focus,
  // so that arrow keys scroll it; one that fits does not (no needless tab stop).
  const scrolls = (element) => element.scrollWidth > element.clientWidth + 1;
  const mark = () => {
    for (const element of document.querySelectorAll("article pre, article div.math, article .bf-figure, article .table-wrapper")) {
      if (scrolls(element)) element.setAttribute("tabindex", "0");
      else if (element.getAttribute("tabindex") === "0") element.removeAttribute("tabindex");
    }
  };
  mark();
  addEventListener("resize", mark);
})();
