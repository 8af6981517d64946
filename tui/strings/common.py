"""Strings shared by every screen: the app, keys, the device bar."""

from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    # The app
    "app.title": ("龙港市流动政务客厅", "Longgang Mobile Government Service"),
    "key.quit": ("退出", "Quit"),
    "key.palette": ("搜索", "Search"),
    # Device bar
    "device.daemon": ("服务", "Daemon"),
    "device.idreader": ("读卡器", "ID reader"),
    "device.scanner": ("扫码枪", "Scanner"),
    "device.printer": ("打印机", "Printer"),
    "device.camera": ("高拍仪", "Camera"),
    "device.speaker": ("扬声器", "Speaker"),
    "state.online": ("在线", "online"),
    "state.offline": ("离线", "offline"),
    "state.ready": ("就绪", "ready"),
    "state.busy": ("忙碌", "busy"),
    "state.error": ("故障", "error"),
    "state.disabled": ("未启用", "disabled"),
    "state.no_broker": ("无法连接消息服务", "no connection to the MQTT broker"),
    "state.daemon_offline": ("设备服务未运行", "the device daemon is not running"),
    "bar.held.idreader": ("读卡器由{where} {name} 使用", "ID reader in use at {where} by {name}"),
    "bar.held.scanner": ("扫码枪由{where} {name} 使用", "scanner in use at {where} by {name}"),
    "bar.where.desk": ("取号台", "the desk"),
    "bar.where.window": ("{window}号窗口", "window {window}"),
}
