"""Vehicle models, their faults and how agents and engineers describe them.

A fault is a component with a J1939 SPN/FMI code, the words a driver uses for it
(templates with variation) and the fix an engineer writes down. The fix depends on
the true fault only, so a similar-case search over past resolutions can be scored.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Model:
    code: str
    name: str
    vds: str  # VIN positions 4-8 for this model
    engine: str
    routes: tuple[float, float, float, float]  # urban, regional, long_haul, construction
    price_cny: int
    weight: float


MODELS = (
    Model("J6P", "解放J6P 牵引车", "SRXSJ", "diesel", (0.02, 0.18, 0.78, 0.02), 420_000, 6),
    Model("JH6", "解放JH6 牵引车", "SRXTK", "diesel", (0.02, 0.15, 0.81, 0.02), 450_000, 4),
    Model("J7", "解放J7 牵引车", "SRXWL", "diesel", (0.01, 0.09, 0.88, 0.02), 560_000, 2),
    Model("J6L", "解放J6L 载货车", "PCLDM", "diesel", (0.25, 0.55, 0.15, 0.05), 260_000, 4),
    Model("JK6", "解放JK6 载货车", "PCKDN", "diesel", (0.30, 0.55, 0.10, 0.05), 230_000, 3),
    Model("J5K", "解放J5K 自卸车", "DCKZP", "diesel", (0.05, 0.15, 0.05, 0.75), 330_000, 2),
    Model("J6PCNG", "解放J6P 天然气牵引车", "SRXGR", "gas", (0.02, 0.30, 0.66, 0.02), 440_000, 2),
    Model("TIGERV", "解放虎V 轻卡", "LBHAE", "diesel", (0.75, 0.22, 0.02, 0.01), 120_000, 5),
)
ROUTE_TYPES = ("urban", "regional", "long_haul", "construction")
ROUTE_SPEED_KMH = (32.0, 55.0, 72.0, 25.0)  # mean moving speed by route type
ROUTE_DAILY_HOURS = (7.0, 8.0, 10.0, 6.0)


@dataclass(frozen=True)
class Fault:
    component: str
    spn: int
    fmi: int
    symptoms: tuple[str, ...]  # driver's words; one or two are combined
    resolution: str  # what the engineer did
    parts: tuple[str, ...]
    share: float  # share of this component's failures


FAULTS = (
    Fault("engine", 100, 1, ("机油压力低报警", "发动机故障灯亮", "仪表提示机油压力低"),
          "检查机油泵及限压阀，更换机油泵，更换机油及机滤，试车油压正常", ("P-ENG-1001", "P-ENG-0007"), 0.5),
    Fault("engine", 190, 2, ("发动机故障灯亮", "怠速抖动", "冒黑烟", "加速无力"),
          "检测曲轴位置传感器信号异常，更换曲轴位置传感器，清除故障码，怠速平稳", ("P-ENG-2040",), 0.5),
    Fault("fuel_system", 157, 18, ("加速无力", "启动困难", "发动机故障灯亮"),
          "共轨压力偏低，更换高压油泵进油计量阀，排空气，试车动力恢复", ("P-FUE-3105",), 0.6),
    Fault("fuel_system", 651, 5, ("怠速抖动", "冒黑烟", "油耗升高"),
          "一缸喷油器线圈开路，更换一缸喷油器并刷写补偿码，试车正常", ("P-FUE-3321",), 0.4),
    Fault("aftertreatment", 4364, 18, ("尿素故障灯亮", "发动机限扭", "动力不足"),
          "SCR转化效率低，更换SCR催化器，清洗尿素喷嘴，刷写后处理程序，故障码消除", ("P-ATS-5010", "P-ATS-5022"), 0.6),
    Fault("aftertreatment", 3251, 0, ("DPF再生频繁", "排气背压高", "动力不足", "仪表提示后处理故障"),
          "DPF压差过高，拆检清洗DPF，更换压差传感器，执行强制再生，试车正常", ("P-ATS-5105",), 0.4),
    Fault("transmission", 127, 1, ("换挡困难", "挂挡有异响", "变速箱故障灯亮"),
          "变速箱油压低，更换变速箱油及滤芯，调整换挡拉索，路试换挡顺畅", ("P-TRN-4002",), 0.6),
    Fault("transmission", 177, 0, ("变速箱油温高报警", "行驶中跳挡"),
          "变速箱冷却器堵塞，清洗冷却器并更换变速箱油，油温恢复正常", ("P-TRN-4110",), 0.4),
    Fault("brakes", 117, 1, ("制动气压低报警", "刹车发软", "气压上升慢"),
          "制动管路漏气，更换漏气管接头及干燥器滤芯，保压测试合格", ("P-BRK-6007", "P-BRK-6013"), 0.6),
    Fault("brakes", 1121, 2, ("ABS故障灯亮", "刹车跑偏"),
          "ABS轮速传感器间隙过大，调整并更换左前轮速传感器，ABS灯熄灭", ("P-BRK-6201",), 0.4),
    Fault("electrical", 168, 4, ("电瓶亏电", "早上启动困难", "仪表黑屏"),
          "蓄电池电压低，检查发电机充电正常，更换蓄电池，排查无漏电", ("P-ELE-7001",), 0.6),
    Fault("electrical", 167, 1, ("充电指示灯亮", "电压表指示偏低", "大灯忽明忽暗"),
          "发电机调节器损坏，更换发电机总成，充电电压恢复28V", ("P-ELE-7105",), 0.4),
    Fault("cooling", 110, 0, ("水温高报警", "水箱开锅", "风扇不转"),
          "节温器卡滞，更换节温器及冷却液，检查风扇离合器正常，水温正常", ("P-COO-8002",), 0.6),
    Fault("cooling", 111, 1, ("冷却液液位低报警", "水箱漏水"),
          "散热器下水管渗漏，更换水管及卡箍，补充冷却液，保压无渗漏", ("P-COO-8120",), 0.4),
    Fault("turbocharger", 102, 18, ("加速无力", "增压器异响", "冒蓝烟"),
          "增压压力低，中冷管破裂，更换中冷管并检查增压器间隙正常，试车正常", ("P-TUR-9033",), 0.5),
    Fault("turbocharger", 641, 7, ("发动机故障灯亮", "动力不足", "增压器异响"),
          "VGT执行器卡滞，清洗并更换增压器执行器，标定后试车正常", ("P-TUR-9101",), 0.5),
    Fault("axle", 904, 2, ("后桥异响", "行驶中有嗡嗡声", "轮毂发热"),
          "主减速器齿轮磨损，更换主被动齿轮及轴承，更换齿轮油，路试无异响", ("P-AXL-2210", "P-AXL-2201"), 1.0),
    Fault("cab", 1638, 3, ("空调不制冷", "驾驶室漏风", "车门锁故障"),
          "空调压缩机离合器损坏，更换压缩机离合器并加注冷媒，制冷正常", ("P-CAB-1301",), 1.0),
)

# Failures per vehicle per year by component, before any defect.
COMPONENT_RATES = {
    "engine": 0.12, "fuel_system": 0.10, "aftertreatment": 0.16, "transmission": 0.06, "brakes": 0.10,
    "electrical": 0.12, "cooling": 0.06, "turbocharger": 0.04, "axle": 0.03, "cab": 0.05,
}

# Words around the symptoms: when it happened, who reported it.
WHEN = ("", "早上冷车启动时", "高速行驶中", "重载爬坡时", "怠速时", "跑了一趟长途后", "下雨天", "刚做完保养后")
WHO = ("", "司机反映：", "客户来电称", "车队调度反映", "客户报修：")
TAIL = ("", "，请尽快安排", "，车辆在{city}附近", "，已停在路边", "，急需处理", "，影响出车")
FIX_TAIL = ("", "，客户确认", "，故障码已清除", "，已告知客户注意事项")

CONSULTATIONS = (
    "咨询保养周期及费用", "咨询延保政策", "询问车联网服务开通", "咨询配件价格", "咨询金融分期方案",
    "咨询最近的服务站", "询问召回信息", "咨询国六排放升级",
)
CONSULT_ANSWERS = ("已告知相关政策及费用", "已发送服务站地址", "已转销售跟进", "已解答，客户满意")
COMPLAINTS = (
    "维修等待时间过长，服务站态度差", "多次维修未解决，要求换车", "配件到货慢，车辆停运",
    "投诉热线长时间无人接听", "维修费用与报价不符", "救援到场太慢",
)
COMPLAINT_ANSWERS = ("已协调服务站致歉并减免工时费", "已加急调配配件", "已升级处理并回访客户", "已解释费用明细")

PRODUCT_PRICES = {  # mean price in CNY and coverage months
    "extended_warranty": (8_800, 24),
    "maintenance_package": (5_200, 12),
    "telematics_subscription": (1_200, 12),
    "financing": (150_000, 36),
    "parts": (1_800, 0),
}
