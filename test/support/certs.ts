/** Test helper: a throwaway PKI (CA, server and client certificates) made with openssl. */
import { execFileSync } from "node:child_process";
import { join } from "node:path";

/** Paths of a CA and two leaf certificates signed by it. */
export interface TestPki {
  caCert: string;
  serverKey: string;
  serverCert: string;
  clientKey: string;
  clientCert: string;
}

function openssl(dir: string, args: string[]): void {
  execFileSync("openssl", args, { cwd: dir, stdio: "ignore" });
}

/** Makes a CA named `name` and a server and a client certificate in `dir`. */
export function makePki(dir: string, name = "ca"): TestPki {
  const p = (f: string) => join(dir, `${name}-${f}`);
  openssl(dir, ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", `/CN=${name} test CA`, "-keyout", p("cakey.pem"), "-out", p("cacert.pem")]);
  for (const leaf of ["server", "client"]) {
    openssl(dir, ["req", "-newkey", "rsa:2048", "-nodes", "-subj", `/CN=${leaf}`, "-keyout", p(`${leaf}-key.pem`), "-out", p(`${leaf}.csr`)]);
    openssl(dir, ["x509", "-req", "-in", p(`${leaf}.csr`), "-CA", p("cacert.pem"), "-CAkey", p("cakey.pem"), "-CAcreateserial", "-days", "2", "-out", p(`${leaf}-cert.pem`)]);
  }
  return {
    caCert: p("cacert.pem"),
    serverKey: p("server-key.pem"),
    serverCert: p("server-cert.pem"),
    clientKey: p("client-key.pem"),
    clientCert: p("client-cert.pem"),
  };
}
