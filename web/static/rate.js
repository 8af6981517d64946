/* The tablet at a window: follows that window's visit and offers its rating once it has ended. */
"use strict";
(function () {
  var body = document.body, api = body.dataset.api, shown = null;
  var resetForm = ratingForm(function () { return api; }, function (message) {
    document.getElementById("rate").hidden = true;
    show("headline", "感谢您的评价");
    show("detail", message === "感谢您的评价" ? "" : message);
  });

  function show(id, text) { document.getElementById(id).textContent = text; }
  function render(visit) {
    var rate = document.getElementById("rate"), offered = visit.state === "offered";
    body.dataset.number = visit.number || "";
    if (visit.state === "idle") { show("headline", "欢迎"); show("detail", "办理结束后，可在这里为本次服务评价"); }
    if (visit.state === "serving") { show("headline", visit.number + " 正在办理"); show("detail", "办理结束后，可在这里为本次服务评价"); }
    if (visit.state === "offered") { show("headline", visit.number + " 办理结束"); show("detail", ""); }
    if (visit.state === "given") { show("headline", "感谢您的评价"); show("detail", ""); }
    if (offered && (rate.hidden || shown !== visit.number)) { resetForm(); }
    rate.hidden = !offered;
    shown = visit.number;
  }
  follow(api + "/events", "visit", api, render, function (up) {
    show("line", up ? "" : "网络中断，正在重新连接…");
  });
})();
