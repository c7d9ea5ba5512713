// anju: a little progress for uploads. Nothing on the page needs JavaScript to work.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("form[data-upload]").forEach(function (form) {
    var bar = form.querySelector("progress");
    if (!bar || !window.XMLHttpRequest || !window.DOMParser) return;
    // A refusal: the server answered the page with the form's messages; they take the
    // place of the old ones and what was typed (and the files chosen) stays as it is.
    function refused(xhr) {
      var doc = new DOMParser().parseFromString(xhr.responseText || "", "text/html");
      var fresh = doc.querySelector("form[data-upload]");
      form.querySelectorAll(".field-error").forEach(function (p) { p.remove(); });
      form.querySelectorAll("[aria-invalid]").forEach(function (el) {
        el.removeAttribute("aria-invalid");
        el.removeAttribute("aria-describedby");
      });
      if (fresh) {
        fresh.querySelectorAll(".field-error").forEach(function (p) {
          var field = p.id === "upload-error" ? null : form.querySelector("#" + p.id.replace(/-error$/, ""));
          var copy = document.importNode(p, true);
          if (field) {
            field.setAttribute("aria-invalid", "true");
            field.setAttribute("aria-describedby", p.id);
            field.insertAdjacentElement("afterend", copy);
          } else {
            form.insertBefore(copy, form.firstElementChild.nextSibling);
          }
        });
      }
      if (!form.querySelector("#upload-error")) {	// another refusal: its page's own words
        var p = document.createElement("p");
        var main = doc.querySelector("main");
        p.className = "field-error";
        p.id = "upload-error";
        p.setAttribute("role", "alert");
        var said = main ? main.textContent.trim().replace(/\s+/g, " ") : "";
        p.textContent = said || form.getAttribute("data-failed");	// no answer: the network
        form.insertBefore(p, form.firstElementChild.nextSibling);
      }
      bar.value = 0;
      form.querySelector("#upload-error").scrollIntoView({ block: "center" });
    }
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      // The dispatcher checks the token before the body is read when it comes as a header.
      var csrf = form.querySelector("input[name=csrf]");
      if (csrf) xhr.setRequestHeader("X-CSRF-Token", csrf.value);
      xhr.upload.onprogress = function (e) { if (e.lengthComputable) bar.value = e.loaded / e.total; };
      xhr.onload = function () {
        // saved: the redirect was followed; go where it led (the page with its confirmation)
        if (xhr.status >= 200 && xhr.status < 300) window.location.assign(xhr.responseURL || window.location.href);
        else refused(xhr);
      };
      xhr.onerror = function () { refused(xhr); };
      xhr.send(new FormData(form));
    });
  });
});
