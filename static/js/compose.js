/* Composer: drag-and-drop reorder (SortableJS) and focus after htmx swaps.
 *
 * Everything else on the page is plain forms enhanced by htmx attributes. Dropping a question
 * fills the hidden reorder form with the items in their new order and submits it through
 * htmx; the server answers with the interview panel (or a 422 with the server's order). */
(function () {
  "use strict";

  var lastQuestion = null; // the bank question last added, to put focus back on its row

  function fillAndSubmit(list, form) {
    form.querySelectorAll('input[name="item"]').forEach(function (input) {
      input.remove();
    });
    list.querySelectorAll(":scope > li[data-item]").forEach(function (li) {
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = "item";
      input.value = li.dataset.item;
      form.appendChild(input);
    });
    htmx.trigger(form, "submit");
  }

  function initSortable(root) {
    if (typeof Sortable === "undefined" || !root.querySelectorAll) return;
    var lists = Array.prototype.slice.call(root.querySelectorAll(".compose-list"));
    if (root.matches && root.matches(".compose-list")) lists.push(root);
    lists.forEach(function (list) {
      var form = document.getElementById(list.dataset.reorderForm);
      if (!form || list.dataset.sortableReady) return;
      list.dataset.sortableReady = "1";
      list.classList.add("is-sortable");
      // The handles come with dragging: without this script there is nothing to drag.
      list.querySelectorAll(":scope > li[data-item]").forEach(function (li) {
        var handle = document.createElement("span");
        handle.className = "drag-handle";
        handle.setAttribute("aria-hidden", "true");
        handle.title = "Drag to reorder";
        handle.textContent = "\u283F";
        li.insertBefore(handle, li.firstChild);
      });
      Sortable.create(list, {
        handle: ".drag-handle",
        animation: 150,
        ghostClass: "drag-ghost",
        onEnd: function (event) {
          if (event.oldIndex !== event.newIndex) fillAndSubmit(list, form);
        },
      });
    });
  }

  function focusLost() {
    return !document.activeElement || document.activeElement === document.body;
  }

  htmx.onLoad(initSortable); // the page, then every swapped-in fragment

  // Remember which bank question is being added so its row keeps the focus after the bank
  // panel refreshes ("In this interview" replaces the Add button).
  // The Add buttons share one form: the question is the button's value, in the sent data.
  document.addEventListener("htmx:configRequest", function (event) {
    var form = event.detail.elt;
    if (!form || form.tagName !== "FORM" || !form.hasAttribute("hx-post")) return;
    var question = event.detail.formData && event.detail.formData.get("question");
    if (question) lastQuestion = question;
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    if (!focusLost()) return;
    var target = event.detail.target;
    if (target && target.id === "bank" && lastQuestion) {
      var mark = document.getElementById("add-" + lastQuestion);
      if (mark) mark.focus();
    } else if (target && target.id === "interview") {
      var heading = document.getElementById("interview-heading");
      if (heading) heading.focus();
    }
  });

  // A reorder that never reached the server: put the list back as the server has it.
  function resync(event) {
    var form = event.detail.elt;
    if (!form || form.id !== "reorder-form") return;
    htmx.ajax("GET", form.dataset.refreshUrl, { target: "#interview", swap: "outerHTML" });
  }
  document.addEventListener("htmx:sendError", resync);
  document.addEventListener("htmx:responseError", resync);
})();
