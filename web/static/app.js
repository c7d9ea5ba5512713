// anju: a little progress for uploads. Nothing on the page needs JavaScript to work.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("form[data-upload]").forEach(function (form) {
    var bar = form.querySelector("progress");
    if (!bar || !window.XMLHttpRequest) return;
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      // The dispatcher checks the token before the body is read when it comes as a header.
      var csrf = form.querySelector("input[name=csrf]");
      if (csrf) xhr.setRequestHeader("X-CSRF-Token", csrf.value);
      xhr.upload.onprogress = function (e) { if (e.lengthComputable) bar.value = e.loaded / e.total; };
      xhr.onload = function () { window.location.reload(); };
      xhr.send(new FormData(form));
    });
  });
});
