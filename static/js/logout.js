/* Logging out forgets the note drafts live.js keeps in this browser's storage (notes typed but
 * not yet saved on the server): the next person on this computer must not find them. */
(function () {
  "use strict";
  var PREFIX = "interview-kit:notes:";

  function clearDrafts() {
    try {
      var keys = [];
      for (var i = 0; i < window.localStorage.length; i++) {
        var key = window.localStorage.key(i);
        if (key && key.indexOf(PREFIX) === 0) keys.push(key);
      }
      keys.forEach(function (key) { window.localStorage.removeItem(key); });
    } catch (e) { /* storage off: nothing kept */ }
  }

  document.addEventListener("submit", function (event) {
    if (!event.target.matches("form[data-logout]")) return;
    window.interviewKitLoggingOut = true;
    clearDrafts();
  });
  window.interviewKitClearDrafts = clearDrafts;
})();
