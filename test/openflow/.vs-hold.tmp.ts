import { startVswitchd } from "./vswitchd.js";
const v = await startVswitchd();
v.vsctl("set", "bridge", "br0", "protocols=OpenFlow10,OpenFlow11,OpenFlow12,OpenFlow13,OpenFlow14,OpenFlow15");
console.log(JSON.stringify({ dir: v.dir, mgmt: v.mgmt }));
process.on("SIGTERM", () => { v.stop(); process.exit(0); });
setTimeout(() => { v.stop(); process.exit(0); }, 80 * 60 * 1000);
