//! The one place that names the generated request models: each body is
//! decoded into its operation's model, so types and required fields are
//! checked exactly as the spec states them, before the simulator reads the
//! body as JSON.

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::failure::Failure;
use crate::models;

/// Decodes `body` as `T`; a missing field is 10004 at that field, a wrong type 10015.
///
/// Enum values outside the spec's list are refused (10032) here, though the SDK itself keeps them.
pub(crate) fn decode<T: DeserializeOwned>(body: &Value) -> Result<T, Failure> {
    crate::private::strictly(|| serde_path_to_error::deserialize(body)).map_err(|err| {
        let mut pointer = String::new();
        for segment in err.path().iter() {
            use serde_path_to_error::Segment;
            match segment {
                Segment::Seq { index } => pointer.push_str(&format!("/{index}")),
                Segment::Map { key } => pointer.push_str(&format!("/{key}")),
                Segment::Enum { variant } => pointer.push_str(&format!("/{variant}")),
                Segment::Unknown => pointer.push_str("/?"),
            }
        }
        let message = err.inner().to_string();
        if let Some(field) = message
            .strip_prefix("missing field `")
            .and_then(|rest| rest.split('`').next())
        {
            pointer.push('/');
            pointer.push_str(field);
            return Failure::missing(pointer.trim_start_matches('/'));
        }
        if pointer.is_empty() {
            pointer.push('/');
        }
        if let Some(value) = message
            .strip_prefix(crate::private::UNKNOWN_VALUE_PREFIX)
            .and_then(|rest| rest.split('`').next())
        {
            return Failure::bad_enum(&pointer, value);
        }
        Failure::invalid(&pointer, message)
    })
}

fn check<T: DeserializeOwned>(body: &Value) -> Result<(), Failure> {
    decode::<T>(body).map(|_| ())
}

/// Checks a call action's body against its request model.
pub(crate) fn call_action(action: &str, body: &Value) -> Result<(), Failure> {
    match action {
        "ai_assistant_add_messages" => check::<models::AddAiAssistantMessagesRequest>(body),
        "ai_assistant_join" => check::<models::JoinAiAssistantRequest>(body),
        "ai_assistant_start" => check::<models::StartAiAssistantRequest>(body),
        "ai_assistant_stop" => check::<models::StopAiAssistantRequest>(body),
        "answer" => check::<models::AnswerRequest>(body),
        "bridge" => check::<models::BridgeRequest>(body),
        "client_state_update" => check::<models::UpdateClientStateRequest>(body),
        "conversation_relay_start" => check::<models::StartConversationRelayRequest>(body),
        "conversation_relay_stop" => check::<models::StopConversationRelayRequest>(body),
        "enqueue" => check::<models::EnqueueRequest>(body),
        "fork_start" => check::<models::StartForkingRequest>(body),
        "fork_stop" => check::<models::StopForkingRequest>(body),
        "gather" => check::<models::GatherRequest>(body),
        "gather_stop" => check::<models::StopGatherRequest>(body),
        "gather_using_ai" => check::<models::GatherUsingAiRequest>(body),
        "gather_using_audio" => check::<models::GatherUsingAudioRequest>(body),
        "gather_using_speak" => check::<models::GatherUsingSpeakRequest>(body),
        "hangup" => check::<models::HangupRequest>(body),
        "leave_queue" => check::<models::LeaveQueueRequest>(body),
        "playback_start" => check::<models::StartPlaybackRequest>(body),
        "playback_stop" => check::<models::StopPlaybackRequest>(body),
        "record_pause" => check::<models::PauseRecordingRequest>(body),
        "record_resume" => check::<models::ResumeRecordingRequest>(body),
        "record_start" => check::<models::StartRecordingRequest>(body),
        "record_stop" => check::<models::StopRecordingRequest>(body),
        "refer" => check::<models::ReferRequest>(body),
        "reject" => check::<models::RejectRequest>(body),
        "send_dtmf" => check::<models::SendDtmfRequest>(body),
        "send_sip_info" => check::<models::SendSipInfoRequest>(body),
        "siprec_start" => check::<models::StartSiprecRequest>(body),
        "siprec_stop" => check::<models::StopSiprecRequest>(body),
        "speak" => check::<models::SpeakRequest>(body),
        "streaming_start" => check::<models::StartStreamingRequest>(body),
        "streaming_stop" => check::<models::StopStreamingRequest>(body),
        "switch_supervisor_role" => check::<models::SwitchSupervisorRoleRequest>(body),
        "transcription_start" => check::<models::StartTranscriptionRequest>(body),
        "transcription_stop" => check::<models::StopTranscriptionRequest>(body),
        "transfer" => check::<models::TransferCallRequest>(body),
        _ => Ok(()),
    }
}

/// Checks a conference action's body against its request model.
pub(crate) fn conference_action(action: &str, body: &Value) -> Result<(), Failure> {
    match action {
        "end" => check::<models::EndConferenceRequest>(body),
        "gather_using_audio" => check::<models::ConferenceGatherUsingAudioRequest>(body),
        "hold" => check::<models::ConferenceHoldRequest>(body),
        "join" => check::<models::JoinConferenceRequest>(body),
        "leave" => check::<models::LeaveConferenceRequest>(body),
        "mute" => check::<models::ConferenceMuteRequest>(body),
        "play" => check::<models::ConferencePlayRequest>(body),
        "record_pause" => check::<models::PauseConferenceRecordingRequest>(body),
        "record_resume" => check::<models::ResumeConferenceRecordingRequest>(body),
        "record_start" => check::<models::StartConferenceRecordingRequest>(body),
        "record_stop" => check::<models::StopRecordingConferenceRequest>(body),
        "send_dtmf" => check::<models::ConferenceSendDtmfRequest>(body),
        "speak" => check::<models::ConferenceSpeakRequest>(body),
        "stop" => check::<models::ConferenceStopRequest>(body),
        "unhold" => check::<models::ConferenceUnholdRequest>(body),
        "unmute" => check::<models::ConferenceUnmuteRequest>(body),
        "update" => check::<models::UpdateConferenceRequest>(body),
        _ => Ok(()),
    }
}

/// Checks the bodies of the other operations.
pub(crate) fn dial(body: &Value) -> Result<(), Failure> {
    check::<models::CallRequest>(body)
}

pub(crate) fn create_conference(body: &Value) -> Result<(), Failure> {
    check::<models::CreateConferenceRequest>(body)
}

pub(crate) fn update_participant(body: &Value) -> Result<(), Failure> {
    check::<models::UpdateConferenceParticipantRequest>(body)
}

pub(crate) fn create_application(body: &Value) -> Result<(), Failure> {
    check::<models::CreateCallControlApplicationRequest>(body)
}

pub(crate) fn update_application(body: &Value) -> Result<(), Failure> {
    check::<models::UpdateCallControlApplicationRequest>(body)
}

pub(crate) fn create_queue(body: &Value) -> Result<(), Failure> {
    check::<models::CreateQueueRequest>(body)
}

pub(crate) fn update_queue(body: &Value) -> Result<(), Failure> {
    check::<models::UpdateQueueRequest>(body)
}

pub(crate) fn update_queued_call(body: &Value) -> Result<(), Failure> {
    check::<models::UpdateQueuedCallRequest>(body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn unknown_enum_values_are_refused_only_while_decoding_requests() {
        let body = json!({ "channels": "triple", "format": "mp3" });
        let failure = decode::<models::StartRecordingRequest>(&body).expect_err("refused");
        assert_eq!(failure.code, "10032");
        assert_eq!(failure.pointer.as_deref(), Some("/channels"));
        assert!(failure.detail.contains("triple"));
        // Outside the simulator the SDK keeps unknown values, as before.
        let kept: models::StartRecordingRequest =
            serde_json::from_value(body).expect("kept as unknown");
        assert!(kept.channels.is_unknown());
    }

    #[test]
    fn missing_fields_are_10004_at_the_field() {
        let failure =
            decode::<models::SpeakRequest>(&json!({ "voice": "female" })).expect_err("refused");
        assert_eq!(failure.code, "10004");
        assert_eq!(failure.pointer.as_deref(), Some("/payload"));
    }
}
