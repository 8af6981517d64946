/* A citizen's ticket: place in the queue, estimated wait, the window when called, then the rating. */
"use strict";
(function () {
  var body = document.body, api = body.dataset.api, alerts = false, lastStatus = null, thanks = null;
  var resetForm = ratingForm(function () { return body.dataset.rate; }, function (message) {
    thanks = message;
    document.getElementById("rate").hidden = true;
    show("detail", thanks);
  });

  function show(id, text) { document.getElementById(id).textContent = text; }
  function words(place) {
    switch (place.status) {
      case "waiting":
        if (place.ahead === 0) { return ["下一位就是您", "请留意叫号，到号后本页会提醒您"]; }
        return ["前面还有 " + place.ahead + " 人",
                place.wait_minutes === null ? "暂无窗口办理此类业务，请咨询工作人员" : "预计等候约 " + place.wait_minutes + " 分钟"];
      case "called": return ["请到 " + place.window + " 号窗口", "正在叫您的号，请尽快前往"];
      case "serving": return ["正在 " + place.window + " 号窗口办理", ""];
      case "done": return ["办理结束", place.rating === "given" ? thanks || "感谢您的评价" : ""];
      case "no_show": return ["您的号已过号", "请到取号处咨询工作人员"];
      case "cancelled": return ["此号已作废", "请到取号处咨询工作人员"];
      case "expired": return ["号票已过期", "本站服务已结束"];
      default: return [place.status, ""];
    }
  }
  function alertPerson() {
    if (navigator.vibrate) { navigator.vibrate([400, 200, 400, 200, 400]); }
    if (alerts) { chime(); }
  }
  function render(place) {
    var text = words(place);
    show("number", place.number);
    show("headline", text[0]);
    show("detail", text[1]);
    var moved = document.getElementById("moved");
    moved.hidden = !place.transferred_from;
    moved.textContent = place.transferred_from ? "原号 " + place.transferred_from + "，已转到新的队列" : "";
    document.getElementById("state").className = "card " + place.status;
    var rate = document.getElementById("rate"), offered = place.rating === "offered";
    if (offered && rate.hidden) { resetForm(); }
    rate.hidden = !offered;
    if (place.status === "called" && lastStatus !== null && lastStatus !== "called") { alertPerson(); }
    lastStatus = place.status;
    body.dataset.status = place.status;
  }
  document.getElementById("alert").onclick = function () {
    alerts = true;
    chime();
    if (navigator.vibrate) { navigator.vibrate(100); }
    this.textContent = "到号提醒已开启";
    this.disabled = true;
  };
  follow(api + "/events", "place", api, render, function (up) {
    show("line", up ? "实时更新中" : "网络中断，正在重新连接…");
    body.classList.toggle("stale", !up);
  });
})();
