// Progress for large uploads: the form works without this (a plain multipart POST and a redirect);
// with it, the file goes by XMLHttpRequest so a <progress> can show how far it is.
(function () {
  "use strict";
  document.querySelectorAll("form[data-upload]").forEach(function (form) {
    var bar = form.querySelector(".upload-progress");
    var status = form.querySelector(".upload-status");
    form.addEventListener("submit", function (event) {
      if (!window.FormData || !bar) { return; }
      event.preventDefault();
      var button = form.querySelector("button[type=submit]");
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.setRequestHeader("X-Forum-Upload", "1");
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) {
          bar.value = Math.round((e.loaded / e.total) * 100);
          status.textContent = bar.value + " %";
        }
      });
      xhr.addEventListener("load", function () {
        var target = null;
        try { target = JSON.parse(xhr.responseText).redirect; } catch (err) { target = null; }
        if (xhr.status === 200 && target) { go(target); return; }
        failed(xhr.status === 413 ? "data-too-large-text" : "data-error-text");
      });
      xhr.addEventListener("error", function () { failed("data-error-text"); });
      function go(target) {
        var url = new URL(target, window.location.href);
        if (url.pathname === window.location.pathname && url.search === window.location.search) {
          // Only the fragment differs: assigning it would not load the page (and its messages) again.
          window.history.replaceState(null, "", url.href);
          window.location.reload();
        } else {
          window.location.assign(url.href);
        }
      }
      function failed(attribute) {
        status.textContent = form.getAttribute(attribute);
        button.disabled = false; bar.hidden = true;
      }
      bar.hidden = false; button.disabled = true;
      xhr.send(new FormData(form));
    });
  });
})();
