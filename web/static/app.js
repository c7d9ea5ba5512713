// anju: a little progress for uploads. Nothing on the page needs JavaScript to work.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("form[data-upload]").forEach(function (form) {
    var bar = form.querySelector("progress");
    if (!bar || !window.XMLHttpRequest) return;
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.upload.onprogress = function (e) { if (e.lengthComputable) bar.value = e.loaded / e.total; };
      xhr.onload = function () { window.location.reload(); };
      xhr.send(new FormData(form));
    });
  });
});
