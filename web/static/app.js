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
      var main = doc.querySelector("main");
      var said = main ? main.textContent.trim().replace(/\s+/g, " ") : "";
      said = said || form.getAttribute("data-failed");	// no answer: the network
      if (!form.querySelector("#upload-error")) {	// another refusal: its page's own words
        var p = document.createElement("p");
        p.className = "field-error";
        p.id = "upload-error";
        p.setAttribute("role", "alert");
        p.textContent = said;
        form.insertBefore(p, form.firstElementChild.nextSibling);
      }
      // Said at the top of the page too, in the same alert as without a script (the
      // answer's own #alert, with its link down to the form), and focused there; a
      // confirmation of an earlier save no longer holds.
      var here = document.querySelector("main");
      var top = doc.getElementById("alert");
      top = top ? document.importNode(top, true) : null;
      if (!top) {
        top = document.createElement("div");
        top.className = "flash alert";
        top.id = "alert";
        top.setAttribute("role", "alert");
        top.setAttribute("tabindex", "-1");
        var line = document.createElement("p");
        line.textContent = said;
        top.appendChild(line);
      }
      here.querySelectorAll(".flash[role=status]").forEach(function (p) { p.remove(); });
      var old = document.getElementById("alert");
      if (old) old.replaceWith(top);
      else here.insertBefore(top, here.firstChild);
      bar.value = 0;
      top.focus();
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

  // An import: sent in the background so that the page can say how far the server has got
  // (it asks by a ticket of its own, ?progress=), then the result takes its place below the
  // form, which keeps the file chosen (a mapping chosen in the result is sent with it).
  document.querySelectorAll("form[data-import]").forEach(function (form) {
    var said = document.getElementById("import-progress");
    if (!said || !window.XMLHttpRequest || !window.DOMParser || !window.fetch || !window.crypto) return;
    function words(key, p) {
      return (said.getAttribute("data-" + key) || "").replace("{rows}", p.rows).replace("{errors}", p.errors);
    }
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var bytes = new Uint8Array(12), ticket = "";
      window.crypto.getRandomValues(bytes);
      bytes.forEach(function (b) { ticket += ("0" + b.toString(16)).slice(-2); });
      var button = form.querySelector("button[type=submit]");
      button.disabled = true;
      said.textContent = said.getAttribute("data-send");
      var asking = false, timer = setInterval(function () {
        if (asking) return;
        asking = true;
        fetch("/api/v1/imports/progress?ticket=" + ticket, { credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.json() : null; })
          .then(function (p) { if (p && p.running) said.textContent = words(p.phase, p); })
          .catch(function () {})
          .then(function () { asking = false; });
      }, 1000);
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action + "?progress=" + ticket);
      var csrf = form.querySelector("input[name=csrf]");
      if (csrf) xhr.setRequestHeader("X-CSRF-Token", csrf.value);
      function done() {
        clearInterval(timer);
        button.disabled = false;
        said.textContent = "";
        var doc = new DOMParser().parseFromString(xhr.responseText || "", "text/html");
        ["import-result", "imports"].forEach(function (id) {
          var fresh = doc.getElementById(id), old = document.getElementById(id);
          if (fresh && old) old.replaceWith(document.importNode(fresh, true));
          else if (fresh) form.insertAdjacentElement("afterend", document.importNode(fresh, true));
          else if (old && id === "import-result") old.remove();
        });
        var main = doc.querySelector("main");
        if (!doc.getElementById("import-result") && main)	// another refusal: its own words
          said.textContent = main.textContent.trim().replace(/\s+/g, " ");
        var result = document.getElementById("import-result");
        if (result) result.scrollIntoView({ block: "start" });
      }
      xhr.onload = done;
      xhr.onerror = function () { clearInterval(timer); button.disabled = false; said.textContent = form.getAttribute("data-failed"); };
      xhr.send(new FormData(form));
    });
  });
});

// A household named by its number (户编号): once typed, its members to pick from (a form that
// also asks for an ID number) or its archive items (a form marked data-pick="items"), from
// /forms/household. Without a script the form offers the same lists when it comes back.
document.addEventListener("DOMContentLoaded", function () {
  if (!window.fetch) return;
  document.querySelectorAll("form input#household").forEach(function (input) {
    var form = input.form, here = input.closest(".field");
    var pick = form.getAttribute("data-pick") === "items" ? "item_id"
      : form.querySelector("#id_number") ? "member" : null;
    if (!pick || !here) return;
    function offer(label, options) {
      var select = form.querySelector("#" + pick), keep = select ? select.value : "";
      if (!select) {
        var div = document.createElement("div"), lab = document.createElement("label");
        div.className = "field";
        lab.setAttribute("for", pick);
        lab.textContent = label;
        select = document.createElement("select");
        select.id = pick;
        select.name = pick;
        div.appendChild(lab);
        div.appendChild(select);
        here.insertAdjacentElement("afterend", div);
      }
      select.textContent = "";
      [{ value: "", label: "—" }].concat(options).forEach(function (o) {
        var opt = document.createElement("option");
        opt.value = o.value;
        opt.textContent = o.label;
        opt.selected = o.value === keep;
        select.appendChild(opt);
      });
    }
    input.addEventListener("change", function () {
      var number = input.value.trim();
      if (!number) return;
      fetch("/forms/household?number=" + encodeURIComponent(number),
            { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok || r.status === 404 ? r.json().then(function (j) { return { ok: r.ok, j: j }; }) : null; })
        .then(function (got) {
          var said = here.querySelector(".field-error.lookup");
          if (said) said.remove();
          if (!got) return;
          if (got.ok) {
            offer(pick === "member" ? got.j.member_label : got.j.item_label,
                  pick === "member" ? got.j.members : got.j.items);
            return;
          }
          // none here (unknown, or out of scope): the last household's list goes, and why
          var select = form.querySelector("#" + pick);
          if (select) select.closest(".field").remove();
          said = document.createElement("p");
          said.className = "field-error lookup";
          said.id = "household-lookup-error";
          said.setAttribute("role", "alert");
          said.textContent = got.j.message || "";
          here.appendChild(said);
        })
        .catch(function () {});
    });
  });
});
