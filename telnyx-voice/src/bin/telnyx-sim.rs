//! `telnyx-sim`: runs the offline Telnyx Voice simulator until Ctrl-C.
//!
//! ```text
//! telnyx-sim --port 8090 --webhook-url http://127.0.0.1:8080/webhooks \
//!     --connection-id my-conn [--api-key KEY] [--seed HEX64] [--inbound FROM,TO] [--scenario PATH] [--bind ADDR]
//! ```
//!
//! It prints the base URL, API key and public key to configure the app with,
//! and the URL of its live page (the calls, the timeline as a sequence
//! diagram, buttons to ring the app and drive the far end), then serves
//! requests. `--inbound` rings the app from `FROM` to `TO` once the server is
//! up. It listens on 127.0.0.1 unless `--bind` names another address (the page
//! and its controls need no key, so only do that on a trusted network). The
//! timeline is printed on exit.

use std::net::IpAddr;
use std::process::ExitCode;
use std::time::Duration;

use telnyx_voice::simulator::{parse_seed_hex, SimConfig, Simulator, Timing, DEFAULT_API_KEY};

const USAGE: &str = "usage: telnyx-sim [--port P] --webhook-url URL --connection-id ID \
[--api-key KEY] [--seed HEX64] [--inbound FROM,TO] [--scenario PATH] [--bind ADDR]";

struct Args {
    port: u16,
    webhook_url: String,
    connection_id: String,
    api_key: String,
    seed: Option<[u8; 32]>,
    inbound: Option<(String, String)>,
    scenario: Option<telnyx_voice::simulator::Scenario>,
    bind: Option<IpAddr>,
}

fn parse_args(mut raw: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut port = 0u16;
    let mut webhook_url = None;
    let mut connection_id = None;
    let mut api_key = DEFAULT_API_KEY.to_string();
    let mut seed = None;
    let mut inbound = None;
    let mut scenario = None;
    let mut bind = None;
    while let Some(flag) = raw.next() {
        if flag == "-h" || flag == "--help" {
            return Err(USAGE.to_string());
        }
        let value = raw
            .next()
            .ok_or_else(|| format!("`{flag}` needs a value\n{USAGE}"))?;
        match flag.as_str() {
            "--port" => {
                port = value
                    .parse()
                    .map_err(|_| format!("`--port {value}` is not a port number"))?
            }
            "--webhook-url" => webhook_url = Some(value),
            "--connection-id" => connection_id = Some(value),
            "--api-key" => api_key = value,
            "--seed" => {
                seed = Some(parse_seed_hex(&value).map_err(|err| format!("`--seed`: {err}"))?)
            }
            "--inbound" => {
                let (from, to) = value
                    .split_once(',')
                    .ok_or_else(|| format!("`--inbound` wants FROM,TO, got `{value}`"))?;
                inbound = Some((from.to_string(), to.to_string()));
            }
            "--bind" => {
                bind = Some(
                    value
                        .parse()
                        .map_err(|_| format!("`--bind {value}` is not an IP address"))?,
                )
            }
            "--scenario" => {
                let loaded = telnyx_voice::simulator::Scenario::load(&value);
                scenario = Some(loaded.map_err(|err| format!("`--scenario`: {err}"))?);
            }
            other => return Err(format!("unknown option `{other}`\n{USAGE}")),
        }
    }
    Ok(Args {
        port,
        webhook_url: webhook_url.ok_or_else(|| format!("`--webhook-url` is required\n{USAGE}"))?,
        connection_id: connection_id
            .ok_or_else(|| format!("`--connection-id` is required\n{USAGE}"))?,
        api_key,
        seed,
        inbound,
        bind,
        scenario,
    })
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    // A person drives the app here, so callers wait longer than in tests.
    let timing = Timing {
        inbound_answer_timeout: Duration::from_secs(30),
        no_answer_timeout: Duration::from_secs(30),
        ..Timing::default()
    };
    let mut config = SimConfig::new()
        .timing(timing)
        .port(args.port)
        .api_key(&args.api_key)
        .connection(&args.connection_id, &args.webhook_url);
    if let Some(seed) = args.seed {
        config = config.seed(seed);
    }
    if let Some(addr) = args.bind {
        config = config.bind(addr);
    }
    if let Some(scenario) = &args.scenario {
        config = scenario.apply(config);
    }
    let sim = match Simulator::start(config).await {
        Ok(sim) => sim,
        Err(err) => {
            eprintln!("telnyx-sim: {err}");
            return ExitCode::FAILURE;
        }
    };
    println!("base URL:   {}", sim.base_url());
    println!("API key:    {}", sim.api_key());
    println!("public key: {}", sim.public_key_base64());
    println!("page:       {}", sim.page_url());
    if let Some(scenario) = &args.scenario {
        sim.play(scenario);
    }
    if let Some((from, to)) = &args.inbound {
        let id = sim.inbound_call(from, to, &args.connection_id).await;
        println!("inbound call {id} from {from} to {to}");
    }
    if let Err(err) = tokio::signal::ctrl_c().await {
        eprintln!("telnyx-sim: cannot wait for Ctrl-C: {err}");
    }
    println!("\n{}", sim.timeline());
    sim.shutdown().await;
    ExitCode::SUCCESS
}
