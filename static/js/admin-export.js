/* django-import-export's "Select all" box on the export page, bound here instead of an inline
 * onchange attribute (CSP: no inline handlers). onSelectToggleChange comes from the package's
 * export_selectable_fields.js. */
document.addEventListener("change", function (event) {
  if (event.target.matches(".select-toggle") && typeof onSelectToggleChange === "function") {
    onSelectToggleChange(event); // eslint-disable-line no-undef
  }
});
